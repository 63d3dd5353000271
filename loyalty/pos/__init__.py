"""The checkout: identification, the receipt's calculation, confirm and refund, and the POS API.

The one module of `loyalty` that may call `campaigns` and `promocodes` (through narrow functions).
"""

"""Writes of the promoters app: stands (`stands`), leads (`leads`) and the leads' rate limits (`limits`)."""

from promoters.services.leads import LeadInput, lead_answer, lead_capture
from promoters.services.stands import stand_save

__all__ = ["LeadInput", "lead_answer", "lead_capture", "stand_save"]

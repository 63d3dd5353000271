"""The demo catalogue (`manage.py seed_demo`): the category tree, and the makers and lines that name products, in
both languages. All invented."""

from demo.data import (
    ALCOHOL,
    BAKERY,
    BODY,
    DAIRY,
    DRINKS,
    FRAGRANCE,
    GIFT_CARDS,
    GROCERIES,
    HAIR_CARE,
    HAIR_COLOUR,
    HOUSEHOLD,
    LAUNDRY,
    LIPS,
    MAKEUP,
    SHAMPOO,
    SKIN_CARE,
    TOBACCO,
    Language,
    Text,
)

# The category tree: root -> middle -> leaves. A leaf is (name, product noun, (min price, max price),
# sizes, excluded): `excluded` marks goods that neither earn nor take points (alcohol, tobacco, gift cards),
# and a leaf with fixed prices (gift cards) lists its nominal values as its sizes. Sizes are written in Russian;
# `size` gives them in English.
T = Text
Leaf = tuple[Text, Text, tuple[int, int], list[str], bool]
CATALOGUE: dict[Text, dict[Text, list[Leaf]]] = {
    HAIR_CARE: {
        SHAMPOO: [
            (T("For dry hair", "Для сухих волос"), T("Shampoo for dry hair", "Шампунь для сухих волос"),
             (150, 900), ["250 мл", "400 мл", "600 мл"], False),
            (T("For coloured hair", "Для окрашенных волос"),
             T("Shampoo for coloured hair", "Шампунь для окрашенных волос"), (200, 1200), ["250 мл", "400 мл"], False),
            (T("Anti-dandruff", "Против перхоти"), T("Anti-dandruff shampoo", "Шампунь против перхоти"),
             (180, 800), ["200 мл", "400 мл"], False),
        ],
        T("Conditioners", "Бальзамы и маски"): [
            (T("Balms", "Бальзамы"), T("Conditioner", "Бальзам-ополаскиватель"), (150, 700), ["200 мл", "360 мл"],
             False),
            (T("Masks", "Маски"), T("Hair mask", "Маска для волос"), (250, 1500), ["200 мл", "300 мл"], False),
        ],
        T("Styling", "Укладка"): [
            (T("Hair spray", "Лаки"), T("Hair spray", "Лак для волос"), (200, 700), ["250 мл", "400 мл"], False),
            (T("Gel and wax", "Гели и воски"), T("Styling gel", "Гель для укладки"), (180, 600), ["100 мл", "150 мл"],
             False),
        ],
        HAIR_COLOUR: [
            (T("Permanent colour", "Стойкие краски"), T("Permanent cream colour", "Стойкая крем-краска"),
             (250, 900), ["тон 5.0", "тон 7.1", "тон 9.3"], False),
            (T("Tint", "Оттеночные средства"), T("Tinting balm", "Оттеночный бальзам"), (150, 500),
             ["тон 4.6", "тон 8.1"], False),
        ],
    },
    SKIN_CARE: {
        T("Face", "Лицо"): [
            (T("Day creams", "Дневные кремы"), T("Day face cream", "Дневной крем для лица"), (300, 3500),
             ["30 мл", "50 мл"], False),
            (T("Cleansers", "Очищение"), T("Cleansing foam", "Пенка для умывания"), (200, 1500), ["150 мл", "200 мл"],
             False),
            (T("Serums", "Сыворотки"), T("Face serum", "Сыворотка для лица"), (500, 4500), ["15 мл", "30 мл"], False),
        ],
        BODY: [
            (T("Lotions", "Молочко для тела"), T("Body lotion", "Молочко для тела"), (250, 1200), ["200 мл", "400 мл"],
             False),
            (T("Shower gels", "Гели для душа"), T("Shower gel", "Гель для душа"), (120, 600),
             ["250 мл", "500 мл", "750 мл"], False),
        ],
        T("Sun care", "Защита от солнца"): [
            (T("Sunscreen", "Солнцезащитные средства"), T("Sunscreen SPF 50", "Солнцезащитный крем SPF 50"),
             (500, 2500), ["50 мл", "150 мл"], False),
            (T("After sun", "После загара"), T("After-sun spray", "Спрей после загара"), (350, 1500),
             ["150 мл", "200 мл"], False),
        ],
    },
    MAKEUP: {
        T("Eyes", "Глаза"): [
            (T("Mascara", "Тушь"), T("Mascara", "Тушь для ресниц"), (300, 2500), ["чёрная", "коричневая"], False),
            (T("Eyeshadow", "Тени для век"), T("Eyeshadow palette", "Палетка теней"), (400, 4500),
             ["6 оттенков", "12 оттенков"], False),
            (T("Eyeliner", "Подводка"), T("Eyeliner", "Подводка для глаз"), (250, 1500), ["чёрная", "графит"], False),
        ],
        LIPS: [
            (T("Lipstick", "Помады"), T("Lipstick", "Помада"), (350, 3500), ["тон 01", "тон 05", "тон 12", "тон 21"],
             False),
            (T("Lip gloss", "Блески для губ"), T("Lip gloss", "Блеск для губ"), (300, 2000),
             ["прозрачный", "тон 03", "тон 07"], False),
        ],
        T("Face makeup", "Макияж лица"): [
            (T("Foundation", "Тональные кремы"), T("Foundation", "Тональный крем"), (500, 4500),
             ["тон 01", "тон 02", "тон 03"], False),
            (T("Powder", "Пудра"), T("Compact powder", "Компактная пудра"), (400, 3000), ["светлая", "натуральная"],
             False),
        ],
    },
    FRAGRANCE: {
        T("Women's fragrance", "Женская парфюмерия"): [
            (T("Eau de parfum", "Парфюмерная вода"), T("Eau de parfum", "Парфюмерная вода"), (1500, 15000),
             ["30 мл", "50 мл", "100 мл"], False),
            (T("Eau de toilette", "Туалетная вода"), T("Eau de toilette", "Туалетная вода"), (900, 9000),
             ["30 мл", "50 мл", "100 мл"], False),
        ],
        T("Men's fragrance", "Мужская парфюмерия"): [
            (T("Men's eau de toilette", "Мужская туалетная вода"), T("Men's eau de toilette", "Туалетная вода мужская"),
             (900, 9000), ["50 мл", "100 мл"], False),
            (T("Aftershave", "После бритья"), T("Aftershave lotion", "Лосьон после бритья"), (400, 2500), ["100 мл"],
             False),
        ],
    },
    HOUSEHOLD: {
        LAUNDRY: [
            (T("Washing powder", "Стиральные порошки"), T("Washing powder", "Стиральный порошок"), (250, 1500),
             ["1,5 кг", "3 кг", "6 кг"], False),
            (T("Laundry gel", "Гели для стирки"), T("Laundry gel", "Гель для стирки"), (300, 1600), ["1 л", "2 л"],
             False),
            (T("Softener", "Кондиционеры для белья"), T("Fabric softener", "Кондиционер для белья"), (150, 700),
             ["1 л", "2 л"], False),
        ],
        T("Cleaning", "Уборка"): [
            (T("Dishwashing", "Для посуды"), T("Dishwashing liquid", "Средство для мытья посуды"), (90, 450),
             ["450 мл", "900 мл"], False),
            (T("Surface cleaners", "Чистящие средства"), T("Surface cleaner", "Чистящее средство"), (120, 500),
             ["500 мл", "750 мл"], False),
        ],
        T("Paper goods", "Бумажные товары"): [
            (T("Toilet paper", "Туалетная бумага"), T("Toilet paper", "Туалетная бумага"), (90, 600),
             ["4 рулона", "8 рулонов", "12 рулонов"], False),
            (T("Napkins", "Салфетки"), T("Paper napkins", "Бумажные салфетки"), (50, 250), ["100 шт.", "250 шт."],
             False),
        ],
    },
    GROCERIES: {
        DAIRY: [
            (T("Milk", "Молоко"), T("Milk 3.2 %", "Молоко 3,2 %"), (70, 160), ["900 мл", "1,4 л"], False),
            (T("Cheese", "Сыр"), T("Semi-hard cheese", "Сыр полутвёрдый"), (180, 900), ["200 г", "400 г"], False),
            (T("Yoghurt", "Йогурты"), T("Drinking yoghurt", "Йогурт питьевой"), (50, 150), ["270 г", "500 г"], False),
        ],
        BAKERY: [
            (T("Bread", "Хлеб"), T("Bread", "Хлеб"), (40, 150), ["300 г", "500 г"], False),
            (T("Pastry", "Выпечка"), T("Croissant", "Круассан"), (60, 250), ["1 шт.", "4 шт."], False),
        ],
        DRINKS: [
            (T("Juice", "Соки"), T("Juice", "Сок"), (90, 300), ["0,2 л", "1 л"], False),
            (T("Water", "Вода"), T("Drinking water", "Вода питьевая"), (30, 120), ["0,5 л", "1,5 л", "5 л"], False),
            (T("Coffee and tea", "Кофе и чай"), T("Ground coffee", "Кофе молотый"), (250, 1500), ["250 г", "500 г"],
             False),
        ],
        ALCOHOL: [
            (T("Wine", "Вино"), T("Table wine", "Вино столовое"), (450, 3000), ["0,75 л"], True),
            (T("Beer", "Пиво"), T("Lager", "Пиво светлое"), (80, 250), ["0,45 л", "0,5 л"], True),
        ],
        TOBACCO: [
            (T("Cigarettes", "Сигареты"), T("Cigarettes", "Сигареты"), (180, 300), ["20 шт."], True),
        ],
    },
    GIFT_CARDS: {
        T("Gift certificates", "Подарочные сертификаты"): [
            (T("Plastic certificates", "Пластиковые карты"), T("Gift card", "Подарочная карта"), (0, 0),
             ["1000", "3000", "5000"], True),
            (T("Electronic certificates", "Электронные сертификаты"), T("E-gift card", "Электронный сертификат"),
             (0, 0), ["500", "1000", "2000"], True),
        ],
    },
}  # fmt: skip

# The words of the sizes above in English; numbers take a decimal point.
_SIZE_WORDS = {
    "мл": "ml", "л": "l", "г": "g", "кг": "kg", "шт.": "pcs", "рулона": "rolls", "рулонов": "rolls", "тон": "shade",
    "оттенков": "shades", "чёрная": "black", "коричневая": "brown", "графит": "graphite", "прозрачный": "clear",
    "светлая": "light", "натуральная": "natural",
}  # fmt: skip


def size(text: str, language: Language) -> str:
    if language == "ru":
        return text
    return " ".join(_SIZE_WORDS.get(word, word.replace(",", ".")) for word in text.split())


# How a product is named: noun, maker, line, size; and a gift card: noun, brand, nominal.
PRODUCT_NAME = Text("{noun}, {maker} “{line}”, {size}", "{noun} {maker} «{line}», {size}")
GIFT_CARD_NAME = Text("{noun} “{brand}”, {nominal} ₽", "{noun} «{brand}» на {nominal} ₽")

# Makers and product lines per catalogue root (or middle category, which wins), used to name products; all invented.
# A plain str is the same in both languages.
Maker = str | Text
_BEAUTY_MAKERS: list[Maker] = [
    T("Northern Lights", "Северное сияние"), T("Green Pharmacy", "Зелёная аптека"), T("Forest Glade", "Лесная поляна"),
    T("Pure Line", "Чистая линия"), "Flora Nord", "Aqualis", "Mirella", "Nordic Care", "Lumiere", "Vesna", "Solaria",
    "Terra Verde", T("Siberian Herbs", "Сибирские травы"), "Luna Rossa", "Amber Line",
]  # fmt: skip
_BEAUTY_LINES: list[Maker] = [
    T("Classic", "Классик"), T("Hydration", "Увлажнение"), T("Nourish & Strength", "Питание и сила"),
    T("Radiance", "Сияние"), "Pro Expert", "Organic", "Sensitive", T("Volume", "Объём"), T("Repair", "Восстановление"),
    "Fresh", "Premium", T("Camomile & Honey", "Ромашка и мёд"), T("Aloe Vera", "Алоэ вера"), T("Coconut", "Кокос"),
    T("Argan", "Аргана"), T("Lavender", "Лаванда"),
]  # fmt: skip
MAKERS: dict[Text, list[Maker]] = {
    HAIR_CARE: _BEAUTY_MAKERS,
    SKIN_CARE: _BEAUTY_MAKERS,
    MAKEUP: ["Lumiere", "Mirella", "Luna Rossa", "Amber Line", "Velvet Kiss", T("North Star", "Северная звезда"),
             "Belle Nuit"],
    FRAGRANCE: ["Maison Ardent", "Luna Rossa", "Lumiere", "Nord Parfum", T("White Lilac", "Белая сирень"),
                "Aqua Marina"],
    HOUSEHOLD: [T("Clean House", "Чистый дом"), T("Snow White", "Белоснежка"), "Fresh Home",
                T("Soft Linen", "Мягкий лён"), T("Lotus", "Лотос"), "Blesk", T("Eco Home", "Эко-быт")],
    GIFT_CARDS: [""],
    # Groceries differ by shelf: a dairy does not brew beer.
    DAIRY: [T("Prostokvashkino", "Простоквашкино"), T("Village", "Деревенское"),
                                      T("Granny's Cellar", "Бабушкин погреб"), T("Vologda Farm", "Вологодская ферма")],
    BAKERY: [T("Golden Ear", "Золотой колос"), T("Bakery No. 1", "Пекарня №1"),
                                    T("Bread House", "Хлебный дом")],
    DRINKS: [T("Kuban Gardens", "Сады Кубани"), T("Healthy Spring", "Ключ здоровья"), "Kofeman",
                             T("Tea Mountain", "Чайная гора")],
    ALCOHOL: [T("Crimean Coast", "Крымский берег"), T("Volga Plains", "Волжские просторы"),
                               T("Zhiguli Quarter", "Жигулёвская слобода")],
    TOBACCO: ["Nord Line", T("North Wind", "Северный ветер")],
}  # fmt: skip
LINES: dict[Text, list[Maker]] = {
    HAIR_CARE: _BEAUTY_LINES,
    SKIN_CARE: _BEAUTY_LINES,
    MAKEUP: ["Classic", "Matte", "Velvet", "Long Lasting", "Nude", "Glow", "Volume", "Ultra"],
    FRAGRANCE: ["Rose Noire", "Cedar", "Aqua", "Oud", "Jasmine", "Amber", "Citrus Bloom", "Night"],
    HOUSEHOLD: [T("Mountain Fresh", "Горная свежесть"), T("Lemon", "Лимон"), "Color", "Sensitive",
                T("Ultra", "Ультра"), T("Economy", "Эконом"), T("Lavender", "Лаванда")],
    GROCERIES: [T("Classic", "Классический"), T("Select", "Отборный"), T("Farm", "Фермерский"),
                T("Premium", "Премиум"), T("Traditional", "Традиционный"), T("Light", "Лёгкий")],
    GIFT_CARDS: [""],
}  # fmt: skip

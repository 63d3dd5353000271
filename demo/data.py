"""Static material for the demo data set (`manage.py seed_demo`): names, cities, the catalogue.

Everything here is fictional: the companies, the brands, the products. Phones generated from these operator
codes are valid Russian mobiles, so never point a real SMS gateway at a demo database.
"""

from decimal import Decimal

# (name, point_value, max_redeem_percent, expires_in_days, activation_days); None keeps the model default.
PROGRAMS = [
    ("Club", Decimal("1.00"), Decimal("50"), 365, 14),
    ("Beauty Points", None, None, None, None),
]

# (name, legal name)
PARTNERS = [
    ("Меридиан Ритейл", "ООО «Меридиан Ритейл»"),
    ("Восток Трейд", "АО «Восток Трейд»"),
]

# (name, program name, SKU prefix, catalogue roots it sells)
BRANDS = [
    ("Свежий Рынок", "Club", "SR", ["Groceries", "Household", "Hair care", "Gift cards"]),
    ("Ромашка", "Club", "RM", ["Household", "Hair care", "Skin care", "Gift cards"]),
    ("Бьюти Лайн", "Beauty Points", "BL", ["Makeup", "Fragrance", "Skin care", "Hair care", "Gift cards"]),
]

# The brand the demo manager is limited to.
MANAGER_BRAND = "Бьюти Лайн"

# (program name, card type, number prefix); numbers are 13 digits with a Luhn check digit.
CARD_TYPES = [
    ("Club", "Standard", "2770"),
    ("Club", "VIP", "2779"),
    ("Beauty Points", "Standard", "2880"),
    ("Beauty Points", "VIP", "2889"),
]

# (name, minimum spend, accrual percent), the same in every program.
TIERS = [
    ("Bronze", Decimal("0"), Decimal("3")),
    ("Silver", Decimal("15000"), Decimal("5")),
    ("Gold", Decimal("50000"), Decimal("7")),
]

# (city, time zone, address); the partner is chosen by region: Europe -> the first, Asia -> the second.
STORE_SITES = [
    ("Москва", "Europe/Moscow", "ул. Тверская, 12"),
    ("Санкт-Петербург", "Europe/Moscow", "Невский пр., 48"),
    ("Екатеринбург", "Asia/Yekaterinburg", "ул. Малышева, 5"),
    ("Новосибирск", "Asia/Novosibirsk", "Красный пр., 29"),
    ("Казань", "Europe/Moscow", "ул. Баумана, 44"),
    ("Владивосток", "Asia/Vladivostok", "Светланская ул., 31"),
    ("Москва", "Europe/Moscow", "Ленинский пр., 87"),
    ("Нижний Новгород", "Europe/Moscow", "ул. Большая Покровская, 20"),
    ("Самара", "Europe/Samara", "ул. Куйбышева, 101"),
    ("Красноярск", "Asia/Krasnoyarsk", "пр. Мира, 60"),
    ("Краснодар", "Europe/Moscow", "ул. Красная, 122"),
    ("Омск", "Asia/Omsk", "ул. Ленина, 14"),
    ("Пермь", "Asia/Yekaterinburg", "Комсомольский пр., 34"),
    ("Уфа", "Asia/Yekaterinburg", "пр. Октября, 4"),
    ("Калининград", "Europe/Kaliningrad", "Ленинский пр., 30"),
    ("Иркутск", "Asia/Irkutsk", "ул. Карла Маркса, 25"),
    ("Хабаровск", "Asia/Vladivostok", "ул. Муравьёва-Амурского, 9"),
    ("Ростов-на-Дону", "Europe/Moscow", "Большая Садовая ул., 70"),
    ("Воронеж", "Europe/Moscow", "пр. Революции, 38"),
    ("Челябинск", "Asia/Yekaterinburg", "ул. Кирова, 104"),
]

REGISTER_MODELS = ["АТОЛ 30Ф", "Эвотор 7.3", "Штрих-М-ПТК", "АТОЛ Sigma 10", "Меркурий 185Ф"]
REGISTER_SOFTWARE = ["Frontol 6.21", "Set Retail 10.4", "Эвотор ОС 4.9", "1С:Касса 3.0"]

# Operator codes of Russian mobiles that libphonenumber accepts in full (+7 9XX XXX-XX-XX).
MOBILE_CODES = [
    "900", "901", "902", "903", "904", "905", "906", "908", "909", "910", "911", "912", "913", "914",
    "915", "916", "917", "918", "919", "920", "921", "922", "923", "925", "926", "927", "928", "929",
    "950", "951", "952", "953", "960", "961", "962", "963", "964", "965", "966", "967", "968", "977",
    "980", "981", "982", "983", "985", "987", "988", "989", "991", "992", "993", "995", "996", "999",
]  # fmt: skip

# RFC 2606 domains: demo e-mails can never reach a real mailbox.
EMAIL_DOMAINS = ["example.com", "example.org", "example.net"]

MALE_NAMES = [
    "Александр", "Алексей", "Андрей", "Артём", "Борис", "Вадим", "Виктор", "Владимир", "Дмитрий", "Евгений",
    "Егор", "Иван", "Игорь", "Илья", "Кирилл", "Константин", "Максим", "Михаил", "Никита", "Николай",
    "Олег", "Павел", "Роман", "Сергей", "Станислав", "Тимур", "Фёдор", "Юрий", "Ярослав", "Денис",
]  # fmt: skip
FEMALE_NAMES = [
    "Александра", "Алина", "Анастасия", "Анна", "Валентина", "Валерия", "Вера", "Виктория", "Галина",
    "Дарья", "Евгения", "Екатерина", "Елена", "Елизавета", "Ирина", "Ксения", "Лариса", "Любовь",
    "Людмила", "Маргарита", "Марина", "Мария", "Наталья", "Нина", "Ольга", "Полина", "Светлана",
    "София", "Татьяна", "Юлия",
]  # fmt: skip
# Male forms; the female form adds "а" (-ов, -ев, -ин) or turns -ий into -ая.
SURNAMES = [
    "Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
    "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
    "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
    "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов",
    "Александров", "Дмитриев", "Королёв", "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков", "Сорокин",
    "Виноградов", "Ковалёв", "Белов", "Медведев", "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов",
    "Комаров", "Давыдов", "Беляев", "Герасимов", "Богданов", "Осипов", "Сидоров", "Матвеев", "Титов",
    "Марков", "Миронов", "Крылов", "Куликов", "Карпов", "Власов", "Мельников", "Денисов", "Гаврилов",
    "Тихонов", "Казаков", "Афанасьев", "Данилов", "Савельев", "Тимофеев", "Фомин", "Чернов", "Абрамов",
    "Мартынов", "Ефимов", "Федотов", "Щербаков", "Назаров", "Калинин", "Исаев", "Чернышёв", "Быков",
    "Маслов", "Родионов", "Коновалов", "Лазарев", "Воронин", "Климов", "Филатов", "Пономарёв", "Голубев",
    "Кудрявцев", "Прохоров", "Наумов", "Потапов", "Журавлёв", "Овчинников", "Трофимов", "Леонов",
    "Соболев", "Ермаков", "Колесников", "Гончаров", "Емельянов", "Никифоров", "Грачёв", "Котов",
    "Гришин", "Ефремов", "Архипов", "Громов", "Кириллов", "Малышев", "Панов", "Моисеев", "Румянцев",
    "Акимов", "Кондратьев", "Бирюков", "Горбунов", "Анисимов", "Ерёмин", "Тихомиров", "Галкин",
    "Лукьянов", "Михеев", "Скворцов", "Юдин", "Белоусов", "Нестеров", "Симонов", "Прокофьев", "Харитонов",
    "Князев", "Цветков", "Левин", "Митрофанов", "Воронов", "Аксёнов", "Софронов", "Мальцев", "Логинов",
    "Горшков", "Савин", "Краснов", "Майоров", "Демидов", "Елисеев", "Рыбаков", "Сафонов", "Плотников",
    "Демин", "Хохлов", "Жданов", "Островский", "Вишневский", "Ковальский", "Высоцкий", "Покровский",
]  # fmt: skip

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s",
            "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya",
        ],
        strict=True,
    )
)  # fmt: skip


def translit(text: str) -> str:
    """Latin letters for a Russian word, for e-mail addresses."""
    return "".join(_TRANSLIT.get(char, char) for char in text.lower())


def female_surname(surname: str) -> str:
    if surname.endswith("ий"):
        return surname[:-2] + "ая"
    return surname + "а"


# (source, weight)
CONTACT_SOURCES = [("pos", 40), ("site", 20), ("import", 20), ("promoter", 10), ("admin", 10)]

# The category tree: root -> middle -> leaves. A leaf is (name, product noun, (min price, max price),
# sizes, excluded): `excluded` marks goods that neither earn nor take points (alcohol, tobacco, gift cards),
# and a leaf with fixed prices (gift cards) lists its nominal values as its sizes.
Leaf = tuple[str, str, tuple[int, int], list[str], bool]
CATALOGUE: dict[str, dict[str, list[Leaf]]] = {
    "Hair care": {
        "Shampoo": [
            ("For dry hair", "Шампунь для сухих волос", (150, 900), ["250 мл", "400 мл", "600 мл"], False),
            ("For coloured hair", "Шампунь для окрашенных волос", (200, 1200), ["250 мл", "400 мл"], False),
            ("Anti-dandruff", "Шампунь против перхоти", (180, 800), ["200 мл", "400 мл"], False),
        ],
        "Conditioners": [
            ("Balms", "Бальзам-ополаскиватель", (150, 700), ["200 мл", "360 мл"], False),
            ("Masks", "Маска для волос", (250, 1500), ["200 мл", "300 мл"], False),
        ],
        "Styling": [
            ("Hair spray", "Лак для волос", (200, 700), ["250 мл", "400 мл"], False),
            ("Gel and wax", "Гель для укладки", (180, 600), ["100 мл", "150 мл"], False),
        ],
        "Hair colour": [
            ("Permanent colour", "Стойкая крем-краска", (250, 900), ["тон 5.0", "тон 7.1", "тон 9.3"], False),
            ("Tint", "Оттеночный бальзам", (150, 500), ["тон 4.6", "тон 8.1"], False),
        ],
    },
    "Skin care": {
        "Face": [
            ("Day creams", "Дневной крем для лица", (300, 3500), ["30 мл", "50 мл"], False),
            ("Cleansers", "Пенка для умывания", (200, 1500), ["150 мл", "200 мл"], False),
            ("Serums", "Сыворотка для лица", (500, 4500), ["15 мл", "30 мл"], False),
        ],
        "Body": [
            ("Lotions", "Молочко для тела", (250, 1200), ["200 мл", "400 мл"], False),
            ("Shower gels", "Гель для душа", (120, 600), ["250 мл", "500 мл", "750 мл"], False),
        ],
        "Sun care": [
            ("Sunscreen", "Солнцезащитный крем SPF 50", (500, 2500), ["50 мл", "150 мл"], False),
            ("After sun", "Спрей после загара", (350, 1500), ["150 мл", "200 мл"], False),
        ],
    },
    "Makeup": {
        "Eyes": [
            ("Mascara", "Тушь для ресниц", (300, 2500), ["чёрная", "коричневая"], False),
            ("Eyeshadow", "Палетка теней", (400, 4500), ["6 оттенков", "12 оттенков"], False),
            ("Eyeliner", "Подводка для глаз", (250, 1500), ["чёрная", "графит"], False),
        ],
        "Lips": [
            ("Lipstick", "Помада", (350, 3500), ["тон 01", "тон 05", "тон 12", "тон 21"], False),
            ("Lip gloss", "Блеск для губ", (300, 2000), ["прозрачный", "тон 03", "тон 07"], False),
        ],
        "Face makeup": [
            ("Foundation", "Тональный крем", (500, 4500), ["тон 01", "тон 02", "тон 03"], False),
            ("Powder", "Компактная пудра", (400, 3000), ["светлая", "натуральная"], False),
        ],
    },
    "Fragrance": {
        "Women's fragrance": [
            ("Eau de parfum", "Парфюмерная вода", (1500, 15000), ["30 мл", "50 мл", "100 мл"], False),
            ("Eau de toilette", "Туалетная вода", (900, 9000), ["30 мл", "50 мл", "100 мл"], False),
        ],
        "Men's fragrance": [
            ("Men's eau de toilette", "Туалетная вода мужская", (900, 9000), ["50 мл", "100 мл"], False),
            ("Aftershave", "Лосьон после бритья", (400, 2500), ["100 мл"], False),
        ],
    },
    "Household": {
        "Laundry": [
            ("Washing powder", "Стиральный порошок", (250, 1500), ["1,5 кг", "3 кг", "6 кг"], False),
            ("Laundry gel", "Гель для стирки", (300, 1600), ["1 л", "2 л"], False),
            ("Softener", "Кондиционер для белья", (150, 700), ["1 л", "2 л"], False),
        ],
        "Cleaning": [
            ("Dishwashing", "Средство для мытья посуды", (90, 450), ["450 мл", "900 мл"], False),
            ("Surface cleaners", "Чистящее средство", (120, 500), ["500 мл", "750 мл"], False),
        ],
        "Paper goods": [
            ("Toilet paper", "Туалетная бумага", (90, 600), ["4 рулона", "8 рулонов", "12 рулонов"], False),
            ("Napkins", "Бумажные салфетки", (50, 250), ["100 шт.", "250 шт."], False),
        ],
    },
    "Groceries": {
        "Dairy": [
            ("Milk", "Молоко 3,2 %", (70, 160), ["900 мл", "1,4 л"], False),
            ("Cheese", "Сыр полутвёрдый", (180, 900), ["200 г", "400 г"], False),
            ("Yoghurt", "Йогурт питьевой", (50, 150), ["270 г", "500 г"], False),
        ],
        "Bakery": [
            ("Bread", "Хлеб", (40, 150), ["300 г", "500 г"], False),
            ("Pastry", "Круассан", (60, 250), ["1 шт.", "4 шт."], False),
        ],
        "Drinks": [
            ("Juice", "Сок", (90, 300), ["0,2 л", "1 л"], False),
            ("Water", "Вода питьевая", (30, 120), ["0,5 л", "1,5 л", "5 л"], False),
            ("Coffee and tea", "Кофе молотый", (250, 1500), ["250 г", "500 г"], False),
        ],
        "Alcohol": [
            ("Wine", "Вино столовое", (450, 3000), ["0,75 л"], True),
            ("Beer", "Пиво светлое", (80, 250), ["0,45 л", "0,5 л"], True),
        ],
        "Tobacco": [
            ("Cigarettes", "Сигареты", (180, 300), ["20 шт."], True),
        ],
    },
    "Gift cards": {
        "Gift certificates": [
            ("Plastic certificates", "Подарочная карта", (0, 0), ["1000", "3000", "5000"], True),
            ("Electronic certificates", "Электронный сертификат", (0, 0), ["500", "1000", "2000"], True),
        ],
    },
}

# Makers and product lines per catalogue root (or middle category, which wins), used to name products; all invented.
_BEAUTY_MAKERS = [
    "Северное сияние", "Зелёная аптека", "Лесная поляна", "Чистая линия", "Flora Nord", "Aqualis", "Mirella",
    "Nordic Care", "Lumiere", "Vesna", "Solaria", "Terra Verde", "Сибирские травы", "Luna Rossa", "Amber Line",
]  # fmt: skip
_BEAUTY_LINES = [
    "Классик", "Увлажнение", "Питание и сила", "Сияние", "Pro Expert", "Organic", "Sensitive", "Объём",
    "Восстановление", "Fresh", "Premium", "Ромашка и мёд", "Алоэ вера", "Кокос", "Аргана", "Лаванда",
]  # fmt: skip
MAKERS: dict[str, list[str]] = {
    "Hair care": _BEAUTY_MAKERS,
    "Skin care": _BEAUTY_MAKERS,
    "Makeup": ["Lumiere", "Mirella", "Luna Rossa", "Amber Line", "Velvet Kiss", "Северная звезда", "Belle Nuit"],
    "Fragrance": ["Maison Ardent", "Luna Rossa", "Lumiere", "Nord Parfum", "Белая сирень", "Aqua Marina"],
    "Household": ["Чистый дом", "Белоснежка", "Fresh Home", "Мягкий лён", "Лотос", "Blesk", "Эко-быт"],
    "Gift cards": [""],
    # Groceries differ by shelf: a dairy does not brew beer.
    "Dairy": ["Простоквашкино", "Деревенское", "Бабушкин погреб", "Вологодская ферма"],
    "Bakery": ["Золотой колос", "Пекарня №1", "Хлебный дом"],
    "Drinks": ["Сады Кубани", "Ключ здоровья", "Kofeman", "Чайная гора"],
    "Alcohol": ["Крымский берег", "Волжские просторы", "Жигулёвская слобода"],
    "Tobacco": ["Nord Line", "Северный ветер"],
}  # fmt: skip
LINES: dict[str, list[str]] = {
    "Hair care": _BEAUTY_LINES,
    "Skin care": _BEAUTY_LINES,
    "Makeup": ["Classic", "Matte", "Velvet", "Long Lasting", "Nude", "Glow", "Volume", "Ultra"],
    "Fragrance": ["Rose Noire", "Cedar", "Aqua", "Oud", "Jasmine", "Amber", "Citrus Bloom", "Night"],
    "Household": ["Горная свежесть", "Лимон", "Color", "Sensitive", "Ультра", "Эконом", "Лаванда"],
    "Groceries": ["Классический", "Отборный", "Фермерский", "Премиум", "Традиционный", "Лёгкий"],
    "Gift cards": [""],
}  # fmt: skip

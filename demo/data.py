"""Static material for the demo data set (`manage.py seed_demo`): names, cities, the catalogue.

Everything here is fictional: the companies, the brands, the products. Phones generated from these operator
codes are valid Russian mobiles, so never point a real SMS gateway at a demo database.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Language = Literal["ru", "en"]
LANGUAGES: tuple[Language, ...] = ("ru", "en")


@dataclass(frozen=True)
class Text:
    """A demo name declared once in both languages (`seed_demo --language`)."""

    en: str
    ru: str

    def __call__(self, language: Language) -> str:
        return self.ru if language == "ru" else self.en

    @property
    def every(self) -> list[str]:
        """Both spellings: what an earlier run may have made in either language, so a rerun finds it."""
        return [self.en, self.ru]

    @staticmethod
    def pick(value: "str | Text", language: Language) -> str:
        """A name that may be the same in both languages (a plain str, such as "Lumiere")."""
        return value if isinstance(value, str) else value(language)


# (key, name, point_value, max_redeem_percent, expires_in_days, activation_days); None keeps the model default.
CLUB, BEAUTY = "club", "beauty"
PROGRAMS = [
    (CLUB, Text("Club", "Клуб"), Decimal("1.00"), Decimal("50"), 365, 14),
    (BEAUTY, Text("Beauty Points", "Баллы красоты"), None, None, None, None),
]

# (name, legal name)
PARTNERS = [
    ("Меридиан Ритейл", "ООО «Меридиан Ритейл»"),
    ("Восток Трейд", "АО «Восток Трейд»"),
]

# The catalogue's roots, which the brands and the demo campaigns refer to.
HAIR_CARE = Text("Hair care", "Уход за волосами")
SKIN_CARE = Text("Skin care", "Уход за кожей")
MAKEUP = Text("Makeup", "Макияж")
FRAGRANCE = Text("Fragrance", "Парфюмерия")
HOUSEHOLD = Text("Household", "Бытовая химия")
GROCERIES = Text("Groceries", "Продукты")
GIFT_CARDS = Text("Gift cards", "Подарочные карты")
# Middle categories the demo campaigns refer to.
SHAMPOO = Text("Shampoo", "Шампуни")
HAIR_COLOUR = Text("Hair colour", "Окрашивание волос")
LIPS = Text("Lips", "Губы")
BODY = Text("Body", "Тело")
LAUNDRY = Text("Laundry", "Стирка")
# Grocery shelves, each with its own makers.
DAIRY = Text("Dairy", "Молочные продукты")
BAKERY = Text("Bakery", "Хлеб и выпечка")
DRINKS = Text("Drinks", "Напитки")
ALCOHOL = Text("Alcohol", "Алкоголь")
TOBACCO = Text("Tobacco", "Табак")

# (name, program key, SKU prefix, catalogue roots it sells)
BRANDS = [
    ("Свежий Рынок", CLUB, "SR", [GROCERIES, HOUSEHOLD, HAIR_CARE, GIFT_CARDS]),
    ("Ромашка", CLUB, "RM", [HOUSEHOLD, HAIR_CARE, SKIN_CARE, GIFT_CARDS]),
    ("Бьюти Лайн", BEAUTY, "BL", [MAKEUP, FRAGRANCE, SKIN_CARE, HAIR_CARE, GIFT_CARDS]),
]

# The brand the demo manager is limited to.
MANAGER_BRAND = "Бьюти Лайн"

# (program key, card type key, name, number prefix); numbers are 13 digits with a Luhn check digit.
STANDARD, VIP = "standard", "vip"
CARD_TYPES = [
    (CLUB, STANDARD, Text("Standard", "Стандартная"), "2770"),
    (CLUB, VIP, Text("VIP", "VIP"), "2779"),
    (BEAUTY, STANDARD, Text("Standard", "Стандартная"), "2880"),
    (BEAUTY, VIP, Text("VIP", "VIP"), "2889"),
]

# (key, name, minimum spend, accrual percent), the same in every program.
BRONZE, SILVER, GOLD = "bronze", "silver", "gold"
TIERS = [
    (BRONZE, Text("Bronze", "Бронза"), Decimal("0"), Decimal("3")),
    (SILVER, Text("Silver", "Серебро"), Decimal("15000"), Decimal("5")),
    (GOLD, Text("Gold", "Золото"), Decimal("50000"), Decimal("7")),
]
TIER_NAMES = {key: name for key, name, _min_spend, _percent in TIERS}

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

"""Cross-script name pairs for ``benchmarks/screening.py``: everyday names written in their own script and the Latin
spellings a list would hold (built here from tables of surnames and given names, recombined with a seeded random
generator; no pair is a memorised list entry of the engine).

* Japanese: kanji, hiragana or katakana, against Hepburn as passports write it (long vowels short: Sato, Ito);
* Korean: Hangul (and Hanja, for the syllables that have one here) against the customary surname spellings
  (Kim, Park, Lee/Rhee/Yi, Jung/Jeong/Chung) with the given name in the Revised Romanization, McCune-Reischauer
  or the customary spellings (eo/o/u, eu/u, u/oo), hyphenated, spaced or joined;
* Thai: the Royal Thai General System and its usual variants (ph/p, th/t, kh/k, u/oo, i/ee, o/or);
* Greek and Hebrew given names against their English forms (and surnames as transliterated).
"""
from __future__ import annotations

import random

# kanji, kana (hiragana), Hepburn as passports write it
JA_SURNAMES = [
    ("佐藤", "さとう", "Sato"), ("鈴木", "すずき", "Suzuki"), ("高橋", "たかはし", "Takahashi"), ("田中", "たなか", "Tanaka"),
    ("伊藤", "いとう", "Ito"), ("渡辺", "わたなべ", "Watanabe"), ("山本", "やまもと", "Yamamoto"), ("中村", "なかむら", "Nakamura"),
    ("小林", "こばやし", "Kobayashi"), ("加藤", "かとう", "Kato"), ("吉田", "よしだ", "Yoshida"), ("山田", "やまだ", "Yamada"),
    ("佐々木", "ささき", "Sasaki"), ("山口", "やまぐち", "Yamaguchi"), ("松本", "まつもと", "Matsumoto"), ("井上", "いのうえ", "Inoue"),
    ("木村", "きむら", "Kimura"), ("林", "はやし", "Hayashi"), ("斎藤", "さいとう", "Saito"), ("清水", "しみず", "Shimizu"),
    ("山崎", "やまざき", "Yamazaki"), ("森", "もり", "Mori"), ("池田", "いけだ", "Ikeda"), ("橋本", "はしもと", "Hashimoto"),
    ("阿部", "あべ", "Abe"), ("石川", "いしかわ", "Ishikawa"), ("前田", "まえだ", "Maeda"), ("藤田", "ふじた", "Fujita"),
    ("小川", "おがわ", "Ogawa"), ("岡田", "おかだ", "Okada"), ("後藤", "ごとう", "Goto"), ("長谷川", "はせがわ", "Hasegawa"),
    ("村上", "むらかみ", "Murakami"), ("近藤", "こんどう", "Kondo"), ("石井", "いしい", "Ishii"), ("坂本", "さかもと", "Sakamoto"),
    ("遠藤", "えんどう", "Endo"), ("青木", "あおき", "Aoki"), ("藤井", "ふじい", "Fujii"), ("西村", "にしむら", "Nishimura"),
]
JA_GIVEN = [
    ("太郎", "たろう", "Taro"), ("一郎", "いちろう", "Ichiro"), ("健太", "けんた", "Kenta"), ("大輔", "だいすけ", "Daisuke"),
    ("翔太", "しょうた", "Shota"), ("拓也", "たくや", "Takuya"), ("直樹", "なおき", "Naoki"), ("浩", "ひろし", "Hiroshi"),
    ("誠", "まこと", "Makoto"), ("健一", "けんいち", "Kenichi"), ("和也", "かずや", "Kazuya"), ("雄一", "ゆういち", "Yuichi"),
    ("隆", "たかし", "Takashi"), ("修", "おさむ", "Osamu"), ("明", "あきら", "Akira"), ("花子", "はなこ", "Hanako"),
    ("陽子", "ようこ", "Yoko"), ("裕子", "ゆうこ", "Yuko"), ("恵子", "けいこ", "Keiko"), ("美咲", "みさき", "Misaki"),
    ("由美", "ゆみ", "Yumi"), ("真由美", "まゆみ", "Mayumi"), ("直美", "なおみ", "Naomi"), ("智子", "ともこ", "Tomoko"),
    ("明美", "あけみ", "Akemi"), ("久美子", "くみこ", "Kumiko"), ("京子", "きょうこ", "Kyoko"), ("美穂", "みほ", "Miho"),
    ("翼", "つばさ", "Tsubasa"), ("大樹", "だいき", "Daiki"), ("亮", "りょう", "Ryo"), ("涼子", "りょうこ", "Ryoko"),
    ("秀樹", "ひでき", "Hideki"), ("正樹", "まさき", "Masaki"), ("達也", "たつや", "Tatsuya"), ("聡", "さとし", "Satoshi"),
]
# Korean surnames: Hangul, Hanja, customary spellings (the first the commonest)
KO_SURNAMES = [
    ("김", "金", ["Kim"]), ("이", "李", ["Lee", "Yi", "Rhee", "Ri"]), ("박", "朴", ["Park", "Pak", "Bak"]),
    ("최", "崔", ["Choi", "Choe"]), ("정", "鄭", ["Jung", "Jeong", "Chung", "Chong"]), ("강", "姜", ["Kang"]),
    ("조", "趙", ["Cho", "Jo"]), ("윤", "尹", ["Yoon", "Yun"]), ("장", "張", ["Jang", "Chang"]), ("임", "林", ["Lim", "Im"]),
    ("한", "韓", ["Han"]), ("오", "吳", ["Oh", "O"]), ("서", "徐", ["Seo", "Suh"]), ("신", "申", ["Shin", "Sin"]),
    ("권", "權", ["Kwon"]), ("황", "黃", ["Hwang"]), ("안", "安", ["Ahn", "An"]), ("송", "宋", ["Song"]),
    ("홍", "洪", ["Hong"]), ("전", "全", ["Jeon", "Chun", "Jun"]), ("고", "高", ["Ko", "Go"]), ("문", "文", ["Moon", "Mun"]),
    ("손", "孫", ["Son", "Sohn"]), ("배", "裵", ["Bae"]), ("백", "白", ["Baek", "Paek"]), ("노", "盧", ["Roh", "Noh", "No"]),
]
# given-name syllables: Hangul, Hanja, Revised Romanization, McCune-Reischauer (no marks), customary
KO_SYLLABLES = [
    ("민", "敏", "min", "min", "min"), ("준", "俊", "jun", "chun", "joon"), ("서", "瑞", "seo", "so", "seo"),
    ("지", "智", "ji", "chi", "ji"), ("현", "賢", "hyeon", "hyon", "hyun"), ("우", "宇", "u", "u", "woo"),
    ("영", "英", "yeong", "yong", "young"), ("수", "秀", "su", "su", "soo"), ("호", "浩", "ho", "ho", "ho"),
    ("성", "成", "seong", "song", "sung"), ("진", "珍", "jin", "chin", "jin"), ("은", "恩", "eun", "un", "eun"),
    ("희", "熙", "hui", "hui", "hee"), ("정", "正", "jeong", "chong", "jung"), ("철", "哲", "cheol", "chol", "chul"),
    ("석", "錫", "seok", "sok", "suk"), ("동", "東", "dong", "tong", "dong"), ("혁", "赫", "hyeok", "hyok", "hyuk"),
    ("명", "明", "myeong", "myong", "myung"), ("경", "京", "gyeong", "kyong", "kyung"), ("상", "相", "sang", "sang", "sang"),
    ("태", "泰", "tae", "tae", "tae"), ("광", "光", "gwang", "kwang", "kwang"), ("일", "日", "il", "il", "il"),
    ("용", "龍", "yong", "yong", "yong"), ("혜", "惠", "hye", "hye", "hye"), ("숙", "淑", "suk", "suk", "sook"),
    ("재", "在", "jae", "chae", "jae"), ("원", "元", "won", "won", "won"), ("근", "根", "geun", "kun", "keun"),
]
# Thai: given names and surnames, RTGS first, then usual variants
TH_GIVEN = [
    ("สมชาย", ["Somchai"]), ("สมศักดิ์", ["Somsak"]), ("ประเสริฐ", ["Prasoet", "Prasert"]), ("วิชัย", ["Wichai", "Vichai"]),
    ("สุรชัย", ["Surachai"]), ("ธนากร", ["Thanakon", "Thanakorn"]), ("พงษ์ศักดิ์", ["Phongsak", "Pongsak"]),
    ("บุญมี", ["Bunmi", "Boonmee"]), ("สมพงษ์", ["Somphong", "Sompong"]), ("อนุชา", ["Anucha"]),
    ("ชัยวัฒน์", ["Chaiwat"]), ("ณัฐพล", ["Natthaphon", "Nattapon"]), ("กิตติ", ["Kitti"]),
    ("สุนทร", ["Sunthon", "Soonthorn"]), ("วิทยา", ["Witthaya", "Wittaya"]), ("สมหญิง", ["Somying"]),
    ("มาลี", ["Mali", "Malee"]), ("สุดา", ["Suda"]), ("นภา", ["Napha", "Napa"]), ("ปราณี", ["Prani", "Pranee"]),
    ("กาญจนา", ["Kanchana", "Kanjana"]), ("วันดี", ["Wandi", "Wandee"]), ("รัตนา", ["Rattana"]),
    ("อรุณี", ["Aruni", "Arunee"]), ("พิมพ์", ["Phim", "Pim"]),
]
TH_SURNAMES = [
    ("ศรีสุข", ["Sisuk", "Srisuk"]), ("แก้วมณี", ["Kaeomani", "Kaewmanee"]), ("ทองดี", ["Thongdi", "Thongdee", "Tongdee"]),
    ("สุขสวัสดิ์", ["Suksawat"]), ("บุญเรือง", ["Bunrueang", "Boonruang"]), ("จันทร์แก้ว", ["Chankaeo", "Jankaew"]),
    ("วงศ์สวัสดิ์", ["Wongsawat"]), ("ใจดี", ["Chaidi", "Jaidee"]), ("มั่นคง", ["Mankhong", "Mankong"]),
    ("รุ่งเรือง", ["Rungrueang", "Rungruang"]), ("สายทอง", ["Saithong", "Saitong"]), ("พรหมมา", ["Phromma", "Promma"]),
    ("ทองคำ", ["Thongkham", "Tongkam"]), ("ศรีวงศ์", ["Siwong", "Sriwong"]), ("บุญมา", ["Bunma", "Boonma"]),
]
# Greek given names: Greek, English forms (the first the commonest), and as transliterated
EL_GIVEN = [
    ("Αλέξανδρος", ["Alexander", "Alexandros"]), ("Γεώργιος", ["George", "Georgios"]), ("Ιωάννης", ["John", "Ioannis"]),
    ("Νικόλαος", ["Nicholas", "Nikolaos"]), ("Δημήτριος", ["Dimitrios", "Demetrios"]),
    ("Κωνσταντίνος", ["Constantine", "Konstantinos"]), ("Μιχαήλ", ["Michael"]), ("Πέτρος", ["Peter", "Petros"]),
    ("Παύλος", ["Paul", "Pavlos"]), ("Ανδρέας", ["Andrew", "Andreas"]), ("Στέφανος", ["Stephen", "Stefanos"]),
    ("Αντώνιος", ["Anthony", "Antonios"]), ("Βασίλειος", ["Basil", "Vasileios"]), ("Γρηγόριος", ["Gregory"]),
    ("Θεόδωρος", ["Theodore", "Theodoros"]), ("Φίλιππος", ["Philip", "Filippos"]), ("Εμμανουήλ", ["Emmanuel"]),
    ("Ηλίας", ["Elias", "Ilias"]), ("Ελένη", ["Helen", "Eleni"]), ("Αικατερίνη", ["Katherine", "Aikaterini"]),
    ("Σοφία", ["Sophia", "Sofia"]), ("Ειρήνη", ["Irene", "Eirini"]), ("Μαρία", ["Maria"]), ("Άννα", ["Anna"]),
    ("Χριστίνα", ["Christina"]), ("Ευάγγελος", ["Evangelos"]), ("Σπυρίδων", ["Spyridon"]),
]
EL_SURNAMES = [
    ("Παπαδόπουλος", "Papadopoulos"), ("Παπανικολάου", "Papanikolaou"), ("Γεωργίου", "Georgiou"),
    ("Οικονόμου", "Oikonomou"), ("Καραγιάννης", "Karagiannis"), ("Βλάχος", "Vlachos"), ("Μαυρίδης", "Mavridis"),
    ("Αθανασίου", "Athanasiou"), ("Δημητρίου", "Dimitriou"), ("Νικολάου", "Nikolaou"), ("Ιωάννου", "Ioannou"),
    ("Μακρής", "Makris"), ("Αντωνίου", "Antoniou"), ("Σταθόπουλος", "Stathopoulos"), ("Ζαχαρίου", "Zachariou"),
    ("Μπακογιάννης", "Bakogiannis"), ("Κουτσούρης", "Koutsouris"), ("Ραφαηλίδης", "Rafailidis"),
]
HE_GIVEN = [
    ("דוד", ["David"]), ("משה", ["Moshe", "Moses"]), ("יוסף", ["Joseph", "Yosef"]), ("אברהם", ["Abraham", "Avraham"]),
    ("יצחק", ["Isaac", "Yitzhak"]), ("יעקב", ["Jacob", "Yaakov"]), ("שמואל", ["Samuel", "Shmuel"]),
    ("שלמה", ["Solomon", "Shlomo"]), ("בנימין", ["Benjamin", "Binyamin"]), ("אהרון", ["Aaron", "Aharon"]),
    ("נתן", ["Nathan", "Natan"]), ("יונתן", ["Jonathan", "Yonatan"]), ("יהודה", ["Yehuda", "Judah"]),
    ("מרים", ["Miriam"]), ("שרה", ["Sarah", "Sara"]), ("רחל", ["Rachel"]), ("רבקה", ["Rebecca", "Rivka"]),
    ("אסתר", ["Esther"]), ("חנה", ["Hannah", "Hana"]), ("דבורה", ["Deborah"]), ("רות", ["Ruth"]),
    ("שמעון", ["Shimon", "Simon"]), ("גבריאל", ["Gabriel"]), ("יהושע", ["Joshua", "Yehoshua"]), ("דניאל", ["Daniel"]),
    ("מיכאל", ["Michael"]), ("לאה", ["Leah"]), ("נעמי", ["Naomi"]), ("תמר", ["Tamar"]),
]
HE_SURNAMES = [
    ("כהן", ["Cohen", "Kohen"]), ("לוי", ["Levi", "Levy"]), ("מזרחי", ["Mizrahi"]), ("פרץ", ["Peretz"]),
    ("ביטון", ["Biton"]), ("דהן", ["Dahan"]), ("פרידמן", ["Friedman"]), ("שפירא", ["Shapira", "Shapiro"]),
    ("גולדברג", ["Goldberg"]), ("רוזנברג", ["Rosenberg"]), ("כץ", ["Katz"]), ("אזולאי", ["Azulay", "Azoulay"]),
    ("מלכה", ["Malka"]), ("חדד", ["Hadad"]), ("גבאי", ["Gabay"]), ("אוחיון", ["Ohayon"]), ("שטרן", ["Stern"]),
]
_KATAKANA = {chr(c): chr(c + 0x60) for c in range(0x3041, 0x3097)}


def _latin_order(rng: random.Random, given: str, surname: str) -> str:
    return rng.choice([f"{surname.upper()}, {given}", f"{given} {surname}", f"{surname} {given}"])


def _japanese(rng: random.Random) -> tuple[str, str]:
    s, g = rng.choice(JA_SURNAMES), rng.choice(JA_GIVEN)
    how = rng.choice(["kanji", "kanji", "kanji space", "hiragana", "katakana"])
    if how == "kanji":
        q = s[0] + g[0]
    elif how == "kanji space":
        q = s[0] + " " + g[0]
    elif how == "hiragana":
        q = s[1] + " " + g[1]
    else:
        q = "".join(_KATAKANA.get(c, c) for c in s[1] + " " + g[1])
    return q, _latin_order(rng, g[2], s[2])


def _korean_given(rng: random.Random, a: tuple, b: tuple) -> str:
    style = rng.choice(["rr", "mr", "customary", "customary"])
    col = {"rr": 2, "mr": 3, "customary": 4}[style]
    first, second = a[col], b[col]
    if style == "mr" and a[col][-1] in "aeiounmgl":  # McCune-Reischauer voices a plosive after a voiced sound
        second = {"k": "g", "t": "d", "p": "b"}.get(second[0], second[0]) + second[1:] \
            if not second.startswith("ch") else "j" + second[2:]
    sep = rng.choice(["-", " ", ""])
    return (first + sep + second).title() if sep != "-" else first.title() + "-" + second


def _korean(rng: random.Random) -> tuple[str, str]:
    s = rng.choice(KO_SURNAMES)
    a, b = rng.sample(KO_SYLLABLES, 2)
    hanja = rng.random() < 0.25
    q = (s[1] + a[1] + b[1]) if hanja else (s[0] + a[0] + b[0])
    surname = s[2][0] if rng.random() < 0.6 else rng.choice(s[2])
    return q, _latin_order(rng, _korean_given(rng, a, b), surname)


def _thai(rng: random.Random) -> tuple[str, str]:
    g, s = rng.choice(TH_GIVEN), rng.choice(TH_SURNAMES)
    return g[0] + " " + s[0], _latin_order(rng, rng.choice(g[1]), rng.choice(s[1]))


def _greek(rng: random.Random) -> tuple[str, str]:
    g, s = rng.choice(EL_GIVEN), rng.choice(EL_SURNAMES)
    return g[0] + " " + s[0], _latin_order(rng, g[1][0] if rng.random() < 0.6 else rng.choice(g[1]), s[1])


def _hebrew(rng: random.Random) -> tuple[str, str]:
    g, s = rng.choice(HE_GIVEN), rng.choice(HE_SURNAMES)
    return g[0] + " " + s[0], _latin_order(rng, g[1][0] if rng.random() < 0.6 else rng.choice(g[1]), rng.choice(s[1]))


KINDS = {"japanese": _japanese, "korean": _korean, "thai": _thai, "greek": _greek, "hebrew": _hebrew}


def pairs(rng: random.Random, per_kind: int) -> list[tuple[str, str, str]]:
    """(kind, query in the original script, listed Latin name): ``per_kind`` distinct pairs of each kind."""
    out: list[tuple[str, str, str]] = []
    for kind, make in KINDS.items():
        seen: set[str] = set()
        tries = 0
        while len(seen) < per_kind and tries < per_kind * 20:
            tries += 1
            q, listed = make(rng)
            if q not in seen:
                seen.add(q)
                out.append((kind, q, listed))
    return out

"""Draws the multimedia tasks' pictures (all invented, people included) with PIL, so every byte is
ours and the set can be rebuilt: `python tasks/assets/multimedia/make_assets.py`.
Flat shapes keep each PNG small; text is in DejaVu, which the box has too."""
from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).parent
FONTS = "/usr/share/fonts/truetype/dejavu/"


def font(size: int, bold: bool = False, serif: bool = False, mono: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSansMono" if mono else "DejaVuSerif" if serif else "DejaVuSans"
    return ImageFont.truetype(FONTS + name + ("-Bold" if bold else "") + ".ttf", size)


def gradient(w: int, h: int, top, bottom) -> Image.Image:
    im = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(im)
    for y in range(h):
        t = y / max(1, h - 1)
        d.line([(0, y), (w, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)))
    return im


def person(d: ImageDraw.ImageDraw, cx: int, top: int, scale: float, skin, hair, shirt, glasses=False, long_hair=False):
    s = scale
    if long_hair:
        d.rounded_rectangle([cx - 62 * s, top + 10 * s, cx + 62 * s, top + 190 * s], 40 * s, fill=hair)
    d.ellipse([cx - 150 * s, top + 200 * s, cx + 150 * s, top + 480 * s], fill=shirt)          # shoulders
    d.rectangle([cx - 22 * s, top + 150 * s, cx + 22 * s, top + 215 * s], fill=skin)             # neck
    d.ellipse([cx - 55 * s, top + 20 * s, cx + 55 * s, top + 170 * s], fill=skin)                 # face
    d.chord([cx - 58 * s, top + 5 * s, cx + 58 * s, top + 110 * s], 180, 360, fill=hair)          # hair
    for ex in (-22, 22):
        d.ellipse([cx + (ex - 6) * s, top + 85 * s, cx + (ex + 6) * s, top + 97 * s], fill=(40, 30, 30))
        if glasses:
            d.ellipse([cx + (ex - 16) * s, top + 76 * s, cx + (ex + 16) * s, top + 106 * s], outline=(30, 30, 30),
                      width=max(1, int(3 * s)))
    d.arc([cx - 22 * s, top + 110 * s, cx + 22 * s, top + 140 * s], 20, 160, fill=(120, 50, 50), width=max(1, int(4 * s)))


def portrait(name: str, seed: int, skin, hair, shirt, glasses=False, long_hair=False) -> Image.Image:
    rnd = random.Random(seed)
    im = gradient(640, 420, (rnd.randint(170, 220), rnd.randint(180, 220), rnd.randint(190, 230)), (120, 130, 140))
    d = ImageDraw.Draw(im)
    for i in range(4):   # an office: shelves and a window behind
        x = rnd.randint(0, 560)
        d.rectangle([x, 40 + i * 30, x + 90, 60 + i * 30], fill=(150 + i * 10, 120, 90))
    d.rectangle([430, 30, 610, 200], fill=(205, 225, 240), outline=(240, 240, 240), width=6)
    person(d, 300, 40, 0.85, skin, hair, shirt, glasses, long_hair)
    return im


def scene_street() -> Image.Image:
    im = gradient(640, 420, (120, 170, 220), (220, 230, 240))
    d = ImageDraw.Draw(im)
    for x, h, c in ((0, 230, (170, 110, 90)), (130, 280, (200, 190, 160)), (270, 200, (140, 150, 160)),
                    (400, 260, (180, 140, 120)), (520, 220, (160, 170, 150))):
        d.rectangle([x, 320 - h, x + 125, 320], fill=c)
        for wy in range(330 - h, 300, 40):
            for wx in range(x + 15, x + 110, 35):
                d.rectangle([wx, wy, wx + 18, wy + 22], fill=(230, 235, 200))
    d.rectangle([0, 320, 640, 420], fill=(70, 70, 75))
    d.rectangle([0, 362, 640, 368], fill=(230, 230, 230))
    d.rounded_rectangle([90, 330, 250, 390], 14, fill=(190, 40, 40))
    for wx in (120, 220):
        d.ellipse([wx - 16, 375, wx + 16, 407], fill=(20, 20, 20))
    return im


def scene_river_flood() -> Image.Image:
    im = gradient(640, 420, (110, 120, 135), (170, 175, 180))
    d = ImageDraw.Draw(im)
    d.polygon([(0, 250), (200, 190), (420, 230), (640, 180), (640, 420), (0, 420)], fill=(90, 110, 80))
    d.rectangle([0, 280, 640, 420], fill=(120, 105, 80))   # muddy water
    for x in range(0, 640, 70):
        d.arc([x, 300, x + 70, 330], 200, 340, fill=(160, 145, 120), width=3)
    d.rectangle([380, 200, 520, 300], fill=(200, 190, 170))
    d.polygon([(370, 200), (450, 150), (530, 200)], fill=(120, 60, 50))
    d.rectangle([440, 250, 470, 300], fill=(90, 70, 50))
    return im


def meme_template() -> Image.Image:
    im = Image.new("RGB", (600, 480), (255, 255, 255))
    d = ImageDraw.Draw(im)
    d.rectangle([0, 80, 600, 400], fill=(240, 200, 140))
    d.ellipse([180, 110, 420, 370], fill=(210, 150, 90))                 # a dog's head
    d.ellipse([150, 120, 230, 260], fill=(150, 100, 60))
    d.ellipse([370, 120, 450, 260], fill=(150, 100, 60))
    for ex in (250, 350):
        d.ellipse([ex - 14, 200, ex + 14, 228], fill=(30, 20, 20))
    d.ellipse([280, 260, 320, 290], fill=(40, 30, 30))
    d.arc([255, 280, 345, 330], 20, 160, fill=(40, 30, 30), width=4)
    return im


def card(w: int, h: int, bg=(255, 255, 255)) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    im = Image.new("RGB", (w, h), bg)
    return im, ImageDraw.Draw(im)


def honey_label() -> Image.Image:
    im, d = card(560, 360, (250, 236, 190))
    d.rectangle([12, 12, 548, 348], outline=(150, 100, 30), width=5)
    d.text((280, 50), "MEADOWBROOK APIARY", font=font(30, True), fill=(110, 70, 20), anchor="mm")
    d.text((280, 110), "Wildflower Honey", font=font(40, serif=True), fill=(60, 40, 10), anchor="mm")
    d.text((280, 170), "Raw, unfiltered - 340 g", font=font(22), fill=(60, 40, 10), anchor="mm")
    d.text((280, 240), "$7.95", font=font(56, True), fill=(170, 30, 30), anchor="mm")
    d.text((280, 310), "Best before 14 MAR 2026", font=font(20), fill=(60, 40, 10), anchor="mm")
    return im


def receipt() -> Image.Image:
    im, d = card(380, 560)
    lines = ["CORNER BEAN CAFE", "12 Tanner Street", "", "2 x Flat white      7.80", "1 x Oat muffin      3.40",
             "1 x Soup of day     7.20", "", "TOTAL              18.40", "Card         ****4471", "",
             "21/03/2024 12:47", "Thank you!"]
    for i, ln in enumerate(lines):
        d.text((24, 24 + i * 40), ln, font=font(20, bold=(i in (0, 7)), mono=True), fill=(20, 20, 20))
    return im


def chat() -> Image.Image:
    im, d = card(420, 640, (236, 229, 221))
    d.rectangle([0, 0, 420, 64], fill=(7, 94, 84))
    d.text((20, 20), "Lena Ortiz", font=font(24, True), fill="white")
    msgs = [(0, "Hey, are you still coming\nto the flat viewing?"), (1, "Yes! Running 10 min late"),
            (0, "No problem. The landlord\nsaid deposit is 900"), (1, "Ok, I'll bring it on Friday"),
            (0, "Perfect, see you then")]
    y = 90
    for mine, text in msgs:
        w = 300
        x = 400 - w if mine else 20
        hgt = 34 + 26 * text.count("\n")
        d.rounded_rectangle([x, y, x + w, y + hgt + 10], 12, fill=(220, 248, 198) if mine else (255, 255, 255))
        d.multiline_text((x + 12, y + 8), text, font=font(18), fill=(20, 20, 20), spacing=6)
        y += hgt + 30
    return im


def bank_app() -> Image.Image:
    im, d = card(420, 640, (245, 247, 250))
    d.rectangle([0, 0, 420, 150], fill=(25, 60, 120))
    d.text((20, 20), "Northgate Bank", font=font(26, True), fill="white")
    d.text((20, 70), "Everyday account", font=font(18), fill=(200, 215, 240))
    d.text((20, 100), "Balance  1,284.16", font=font(26, True), fill="white")
    d.text((20, 180), "Recent activity", font=font(20, True), fill=(30, 30, 30))
    rows = [("Grocer Hub", "-54.20"), ("Salary MARLOW LTD", "+2,150.00"), ("City Transit", "-36.00"),
            ("Rent Standing Order", "-950.00")]
    for i, (who, amt) in enumerate(rows):
        y = 230 + i * 70
        d.rectangle([16, y, 404, y + 56], fill="white", outline=(225, 228, 235))
        d.text((30, y + 16), who, font=font(18), fill=(30, 30, 30))
        d.text((390, y + 16), amt, font=font(18, True), fill=(30, 120, 60) if amt[0] == "+" else (30, 30, 30),
               anchor="ra")
    return im


def id_card() -> Image.Image:
    im, d = card(640, 400, (214, 232, 226))
    d.rectangle([0, 0, 640, 70], fill=(40, 90, 80))
    d.text((20, 20), "REPUBLIC OF ESTRAVIA - IDENTITY CARD", font=font(24, True), fill="white")
    d.rectangle([30, 100, 210, 330], fill=(180, 195, 205))
    person(d, 120, 105, 0.42, (225, 190, 160), (60, 40, 30), (60, 80, 120))
    for i, (k, v) in enumerate((("Surname", "MORENO"), ("Given names", "RILEY ANN"), ("Date of birth", "04.09.1991"),
                                ("Card no.", "EST 448 201 9"), ("Expires", "12.2027"))):
        d.text((240, 100 + i * 46), k, font=font(14), fill=(60, 80, 75))
        d.text((240, 116 + i * 46), v, font=font(20, True), fill=(20, 30, 30))
    d.text((320, 370), "FICTIONAL SPECIMEN - NOT A REAL DOCUMENT", font=font(18, True), fill=(170, 30, 30),
           anchor="mm")
    return im


def certificate() -> Image.Image:
    im, d = card(640, 440, (252, 250, 240))
    d.rectangle([14, 14, 626, 426], outline=(150, 120, 40), width=6)
    d.text((320, 70), "Certificate of Completion", font=font(34, serif=True), fill=(60, 50, 20), anchor="mm")
    d.text((320, 140), "Northfield Adult Learning Centre", font=font(20), fill=(60, 50, 20), anchor="mm")
    d.text((320, 200), "Introduction to Spreadsheets (12 hours)", font=font(22, True), fill=(30, 30, 30), anchor="mm")
    d.text((320, 260), "awarded to", font=font(18, serif=True), fill=(60, 50, 20), anchor="mm")
    d.line([(180, 320), (460, 320)], fill=(60, 50, 20), width=2)
    d.text((320, 380), "Result: PASS    May 2024", font=font(18), fill=(60, 50, 20), anchor="mm")
    return im


def council_logo() -> Image.Image:
    im = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    d.ellipse([10, 10, 290, 290], fill=(20, 70, 130, 255))
    d.ellipse([40, 40, 260, 260], fill=(245, 245, 240, 255))
    d.polygon([(150, 70), (210, 150), (175, 150), (175, 220), (125, 220), (125, 150), (90, 150)], fill=(20, 70, 130, 255))
    return im


def lab_result() -> Image.Image:
    im, d = card(520, 420)
    d.rectangle([0, 0, 520, 70], fill=(0, 110, 140))
    d.text((20, 22), "QuickCheck Antigen Test", font=font(24, True), fill="white")
    d.text((24, 100), "Name: Jordan Avery", font=font(20), fill=(30, 30, 30))
    d.text((24, 140), "Sample taken: 11 Mar 2024 08:10", font=font(20), fill=(30, 30, 30))
    d.text((24, 200), "Result:", font=font(26), fill=(30, 30, 30))
    d.text((150, 196), "NEGATIVE", font=font(32, True), fill=(20, 130, 60))
    d.text((24, 300), "Self-reported, not valid for travel", font=font(16), fill=(100, 100, 100))
    return im


def grades() -> Image.Image:
    im, d = card(560, 400)
    d.text((24, 20), "Kestrel Valley High School - Term report", font=font(20, True), fill=(30, 30, 60))
    d.text((24, 56), "Student: Sam Avery   Year 10", font=font(18), fill=(30, 30, 30))
    for i, (subj, g) in enumerate((("Mathematics", "C"), ("English", "B"), ("Biology", "B"), ("History", "D"),
                                   ("Art", "A"))):
        y = 110 + i * 50
        d.rectangle([24, y, 536, y + 42], outline=(200, 200, 210))
        d.text((40, y + 10), subj, font=font(20), fill=(30, 30, 30))
        d.text((480, y + 8), g, font=font(24, True), fill=(30, 30, 30))
    return im


def concert_poster() -> Image.Image:
    im = gradient(440, 620, (40, 20, 70), (200, 60, 90))
    d = ImageDraw.Draw(im)
    d.ellipse([120, 150, 320, 350], fill=(250, 200, 80))
    d.text((220, 70), "THE PAPER KITES", font=font(34, True), fill="white", anchor="mm")
    d.text((220, 420), "Live at the Granary", font=font(26), fill="white", anchor="mm")
    d.text((220, 470), "Saturday 8 June - 8 pm", font=font(24, True), fill=(255, 230, 150), anchor="mm")
    d.text((220, 540), "Tickets 15", font=font(22), fill="white", anchor="mm")
    return im


def bbq() -> Image.Image:
    im = gradient(640, 420, (140, 200, 240), (230, 240, 220))
    d = ImageDraw.Draw(im)
    d.rectangle([0, 300, 640, 420], fill=(90, 150, 70))
    person(d, 150, 140, 0.5, (230, 195, 165), (90, 60, 30), (200, 60, 60))
    person(d, 320, 120, 0.55, (160, 110, 80), (20, 20, 20), (60, 110, 190), glasses=True)
    person(d, 490, 145, 0.5, (240, 210, 185), (200, 160, 80), (80, 160, 100), long_hair=True)
    return im


def flat_room() -> Image.Image:
    im, d = card(640, 420, (225, 220, 205))
    d.rectangle([0, 300, 640, 420], fill=(150, 110, 80))
    d.rectangle([60, 60, 260, 230], fill=(190, 215, 235), outline=(250, 250, 250), width=8)
    d.rectangle([360, 200, 600, 300], fill=(80, 90, 120))
    d.rectangle([360, 170, 600, 210], fill=(100, 110, 140))
    for x, y in ((430, 60), (470, 90), (500, 50), (540, 80)):   # damp patches in the corner
        d.ellipse([x, y, x + 60, y + 40], fill=(150, 150, 120))
    return im


def beach() -> Image.Image:
    im = gradient(640, 420, (90, 160, 230), (200, 230, 250))
    d = ImageDraw.Draw(im)
    d.rectangle([0, 220, 640, 300], fill=(40, 120, 170))
    d.rectangle([0, 300, 640, 420], fill=(235, 215, 160))
    d.ellipse([480, 40, 540, 100], fill=(255, 240, 150))
    d.polygon([(100, 300), (160, 230), (220, 300)], fill=(220, 80, 60))
    return im


def dented_car() -> Image.Image:
    im = gradient(640, 420, (180, 190, 200), (120, 120, 125))
    d = ImageDraw.Draw(im)
    d.rectangle([0, 320, 640, 420], fill=(80, 80, 85))
    d.rounded_rectangle([80, 170, 560, 330], 40, fill=(40, 90, 160))
    d.rounded_rectangle([180, 100, 450, 190], 30, fill=(60, 110, 180))
    d.ellipse([330, 230, 420, 290], fill=(30, 70, 130))   # the dent
    for wx in (170, 470):
        d.ellipse([wx - 45, 285, wx + 45, 375], fill=(25, 25, 25))
    return im


def main() -> None:
    images = {
        "portrait-marcus.png": portrait("Marcus", 1, (200, 150, 115), (40, 30, 25), (70, 90, 140), glasses=True),
        "portrait-priya.png": portrait("Priya", 2, (170, 120, 90), (25, 20, 20), (150, 60, 90), long_hair=True),
        "portrait-tom.png": portrait("Tom", 3, (240, 205, 180), (180, 120, 60), (90, 130, 90)),
        "portrait-elena.png": portrait("Elena", 4, (225, 185, 150), (110, 60, 30), (60, 60, 70), glasses=True,
                                       long_hair=True),
        "street-corner.png": scene_street(), "river-flood.png": scene_river_flood(), "meme-dog.png": meme_template(),
        "honey-label.png": honey_label(), "cafe-receipt.png": receipt(), "chat-lena.png": chat(),
        "bank-app.png": bank_app(), "id-card-specimen.png": id_card(), "certificate.png": certificate(),
        "council-logo.png": council_logo(), "test-result.png": lab_result(), "term-report.png": grades(),
        "concert-poster.png": concert_poster(), "team-bbq.png": bbq(), "flat-bedroom.png": flat_room(),
        "beach.png": beach(), "car-side.png": dented_car(),
    }
    for name, im in images.items():
        im.save(OUT / name, optimize=True)
    # photos from a camera: JPEG with EXIF (date, camera, place)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0132] = "Fujifilm", "X-T30", "2024:07:14 16:02:11"
    exif.get_ifd(0x8769)[0x9003] = "2024:07:14 16:02:11"
    exif.get_ifd(0x8825).update({1: "N", 2: (43.0, 17.0, 24.0), 3: "E", 4: (5.0, 22.0, 12.0)})
    images["beach.png"].save(OUT / "beach-camera.jpg", quality=80, exif=exif)
    exif[0x0132] = "2024:02:03 09:41:50"
    exif.get_ifd(0x8769)[0x9003] = "2024:02:03 09:41:50"
    images["car-side.png"].save(OUT / "car-camera.jpg", quality=80, exif=exif)


if __name__ == "__main__":
    main()

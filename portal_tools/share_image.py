"""Draw the site's share image (og:image), theme/static/img/share.png.

Run once after changing the site name: ``python -m portal_tools.share_image``.
Needs Pillow and a CJK font (Noto Sans CJK); neither is needed to build the
site, which only copies the PNG.
"""

import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FONTS = ["/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
         "/usr/share/fonts/noto-cjk/NotoSansCJK-Bold.ttc"]


def main(target=ROOT / "theme" / "static" / "img" / "share.png"):
    from PIL import Image, ImageDraw, ImageFont
    conf = runpy.run_path(str(ROOT / "pelicanconf.py"))
    font_path = next((f for f in FONTS if Path(f).exists()), None)
    if font_path is None:
        sys.exit("no CJK font found (install fonts-noto-cjk)")
    font = lambda size: ImageFont.truetype(font_path, size, index=2)  # noqa: E731  (SC face)
    img = Image.new("RGB", (1200, 630), "#9b1c1c")
    draw = ImageDraw.Draw(img)
    draw.rectangle([0, 520, 1200, 630], fill="#7a1414")
    draw.rounded_rectangle([80, 90, 260, 270], radius=24, fill="#ffffff")
    draw.text((170, 180), "人", font=font(140), fill="#9b1c1c", anchor="mm")
    name = conf["SITENAME"]
    size = 64 if len(name) <= 14 else 54
    draw.text((80, 330), name, font=font(size), fill="#ffffff")
    draw.text((80, 430), "找代表 · 接待选民日 · 意见建议办理结果", font=font(40), fill="#ffffff")
    draw.text((80, 575), conf.get("SITE_OWNER", ""), font=font(32), fill="#ffffff", anchor="lm")
    target.parent.mkdir(parents=True, exist_ok=True)
    img.save(target, optimize=True)
    print(target)


if __name__ == "__main__":
    main()

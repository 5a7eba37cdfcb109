"""The tag dictionary as code: every dimension a product or a template is described by,
its values, zh/en names and synonyms.

The migration that creates the dictionary tables seeds them from a frozen copy of this
data (migrations never import app code); `tests/library` checks the two agree. Template
values include everything the studio produces (motions, scenes, lightings) and product
values everything a studio garment's listing says, so studio output is always valid.
Importing does nothing but build these tuples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AppliesTo = Literal["product", "template", "both"]
Kind = Literal["one", "many", "bool"]


@dataclass(frozen=True)
class TagValueDef:
    value: str
    zh: str
    en: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class DimensionDef:
    name: str
    zh: str
    en: str
    applies_to: AppliesTo
    kind: Kind
    values: tuple[TagValueDef, ...]

    def applies(self, subject: Literal["product", "template"]) -> bool:
        return self.applies_to in (subject, "both")


V = TagValueDef
_BOOL: tuple[TagValueDef, ...] = ()  # bool dimensions take true/false, no listed values


def _d(name: str, zh: str, en: str, applies_to: AppliesTo, kind: Kind, *values: TagValueDef) -> DimensionDef:
    return DimensionDef(name, zh, en, applies_to, kind, tuple(values))


_COLOURS = (
    V("black", "黑色", "Black", ("黑", "jet black")),
    V("white", "白色", "White", ("白", "off white", "ivory", "米白")),
    V("grey", "灰色", "Grey", ("gray", "light grey", "light gray", "charcoal", "浅灰色", "炭灰色", "灰")),
    V("beige", "米色", "Beige", ("camel", "khaki", "tan", "驼色", "卡其色", "卡其")),
    V("brown", "棕色", "Brown", ("coffee", "chocolate", "咖啡色", "棕")),
    V("red", "红色", "Red", ("burgundy", "wine", "酒红色", "红")),
    V("pink", "粉色", "Pink", ("rose", "粉红色", "粉")),
    V("orange", "橙色", "Orange", ("橘色",)),
    V("yellow", "黄色", "Yellow", ("mustard", "姜黄色", "黄")),
    V("green", "绿色", "Green", ("olive", "forest green", "橄榄绿", "墨绿色", "绿")),
    V("blue", "蓝色", "Blue", ("sky blue", "denim blue", "天蓝色", "牛仔蓝", "蓝")),
    V("navy", "藏青色", "Navy", ("navy blue", "dark blue", "藏蓝色", "深蓝色")),
    V("purple", "紫色", "Purple", ("violet", "lilac", "紫")),
    V("multi", "多色", "Multicolour", ("multicolor", "multicolour", "彩色", "拼色")),
)
_SEASONS = (
    V("spring", "春季", "Spring", ("春", "春天")),
    V("summer", "夏季", "Summer", ("夏", "夏天")),
    V("autumn", "秋季", "Autumn", ("fall", "秋", "秋天")),
    V("winter", "冬季", "Winter", ("冬", "冬天")),
)
_STYLES = (
    V("casual", "休闲", "Casual", ("休闲风", "everyday")),
    V("business", "商务", "Business", ("通勤", "formal", "office", "正装")),
    V("street", "街头", "Street", ("streetwear", "街头风", "潮流")),
    V("sporty", "运动", "Sporty", ("sport", "athleisure", "运动风")),
    V("elegant", "优雅", "Elegant", ("chic", "优雅风", "气质")),
    V("vintage", "复古", "Vintage", ("retro", "复古风")),
    V("minimalist", "简约", "Minimalist", ("minimal", "简约风", "极简")),
)
_OCCASIONS = (
    V("daily", "日常", "Daily", ("everyday", "日常穿着")),
    V("work", "通勤", "Work", ("office", "commute", "上班", "职场")),
    V("street", "街拍", "Street", ("city", "逛街")),
    V("sport", "运动", "Sport", ("gym", "workout", "健身")),
    V("party", "派对", "Party", ("evening", "dinner", "晚宴", "聚会")),
    V("vacation", "度假", "Vacation", ("holiday", "beach holiday", "旅行")),
    V("date", "约会", "Date", ("dating",)),
)
_SCENES = (
    V("studio", "影棚", "Studio", ("photo studio", "摄影棚", "棚拍")),
    V("gradient", "渐变背景", "Gradient backdrop", ("gradient backdrop", "渐变")),
    V("room", "室内", "Room", ("indoor", "interior", "home", "家居")),
    V("outdoor", "户外", "Outdoor", ("outside", "park", "公园", "室外")),
    V("street", "街道", "Street", ("city street", "urban", "街景")),
    V("office", "办公室", "Office", ("workplace", "写字楼")),
    V("runway", "T台", "Runway", ("catwalk", "秀场", "T 台")),
    V("beach", "海滩", "Beach", ("seaside", "海边", "沙滩")),
    V("snow", "雪景", "Snow", ("snowfield", "snowy", "雪地")),
)
_GENDERS = (
    V("women", "女士", "Women", ("female", "woman", "womens", "women's", "ladies", "女", "女款", "女装")),
    V("men", "男士", "Men", ("male", "man", "mens", "men's", "男", "男款", "男装")),
    V("unisex", "男女同款", "Unisex", ("中性", "男女通用")),
)

DIMENSIONS: tuple[DimensionDef, ...] = (
    # --- products ------------------------------------------------------------------------
    _d("category", "品类", "Category", "product", "one",
       V("tshirt", "T恤", "T-shirt", ("t-shirt", "tee", "t恤衫")),
       V("shirt", "衬衫", "Shirt", ("衬衣", "blouse shirt")),
       V("blouse", "女式衬衫", "Blouse", ("雪纺衫",)),
       V("hoodie", "连帽卫衣", "Hoodie", ("hooded sweatshirt", "卫衣", "sweatshirt")),
       V("sweater", "毛衣", "Sweater", ("knit top", "jumper", "cardigan", "针织衫", "开衫")),
       V("sleeveless", "背心", "Tank top", ("tank top", "tank", "vest top", "无袖上衣", "吊带")),
       V("jacket", "夹克", "Jacket", ("外套夹克", "bomber")),
       V("blazer", "西装外套", "Blazer", ("suit jacket", "西服")),
       V("coat", "大衣", "Coat", ("overcoat", "外套", "毛呢大衣")),
       V("trench", "风衣", "Trench coat", ("trench coat", "风衣外套")),
       V("dress", "连衣裙", "Dress", ("裙装",)),
       V("skirt", "半身裙", "Skirt", ("裙子",)),
       V("trousers", "长裤", "Trousers", ("pants", "裤子", "西裤")),
       V("jeans", "牛仔裤", "Jeans", ("denim trousers",)),
       V("shorts", "短裤", "Shorts", ()),
       V("jumpsuit", "连体裤", "Jumpsuit", ("romper", "连身裤"))),
    _d("gender", "性别", "Gender", "product", "one", *_GENDERS),
    _d("age_group", "年龄段", "Age group", "product", "one",
       V("kids", "儿童", "Kids", ("children", "child", "童装")),
       V("teen", "青少年", "Teen", ("teens", "少年")),
       V("adult", "成人", "Adult", ("成年",)),
       V("senior", "中老年", "Senior", ("elderly", "老年"))),
    _d("season", "季节", "Season", "both", "many", *_SEASONS),
    _d("colour_family", "色系", "Colour family", "product", "many", *_COLOURS),
    _d("pattern", "图案", "Pattern", "product", "one",
       V("solid", "纯色", "Solid", ("plain", "无图案")),
       V("stripes", "条纹", "Stripes", ("striped", "stripe", "条纹图案")),
       V("checks", "格纹", "Checks", ("checked", "plaid", "tartan", "格子")),
       V("floral", "碎花", "Floral", ("flowers", "flower print", "印花", "花卉")),
       V("abstract", "抽象印花", "Abstract print", ("abstract", "print", "抽象")),
       V("logo", "字母标志", "Logo", ("lettering", "graphic", "字母", "logo印花")),
       V("polka_dot", "波点", "Polka dot", ("dots", "dotted", "圆点")),
       V("animal", "动物纹", "Animal print", ("leopard", "豹纹", "zebra"))),
    _d("material", "面料", "Material", "product", "many",
       V("cotton", "棉", "Cotton", ("纯棉", "全棉")),
       V("linen", "亚麻", "Linen", ("麻",)),
       V("wool", "羊毛", "Wool", ("毛呢", "woollen", "woolen")),
       V("polyester", "聚酯纤维", "Polyester", ("涤纶", "poly")),
       V("denim", "牛仔布", "Denim", ("牛仔", "jean")),
       V("silk", "真丝", "Silk", ("丝绸", "桑蚕丝")),
       V("cashmere", "羊绒", "Cashmere", ()),
       V("leather", "皮革", "Leather", ("真皮", "pu leather")),
       V("knit", "针织", "Knit", ("knitted", "针织面料")),
       V("chiffon", "雪纺", "Chiffon", ()),
       V("nylon", "锦纶", "Nylon", ("尼龙",))),
    _d("fit", "版型", "Fit", "product", "one",
       V("slim", "修身", "Slim", ("slim fit", "fitted", "紧身")),
       V("regular", "常规", "Regular", ("regular fit", "标准")),
       V("loose", "宽松", "Loose", ("relaxed", "oversized", "oversize", "廓形"))),
    _d("length", "衣长", "Length", "product", "one",
       V("cropped", "短款", "Cropped", ("crop", "露脐")),
       V("regular", "常规款", "Regular", ("常规长度",)),
       V("hip", "及臀", "Hip length", ("hip length",)),
       V("mini", "超短", "Mini", ("迷你",)),
       V("knee", "及膝", "Knee length", ("knee length", "knee-length")),
       V("midi", "中长款", "Midi", ("mid length", "mid-length", "中长")),
       V("maxi", "长款", "Maxi", ("floor length", "ankle length", "长裙"))),
    _d("sleeve_length", "袖长", "Sleeve length", "product", "one",
       V("sleeveless", "无袖", "Sleeveless", ("no sleeves",)),
       V("short", "短袖", "Short sleeve", ("short sleeves", "short-sleeved")),
       V("three_quarter", "七分袖", "Three-quarter sleeve", ("3/4 sleeve", "three quarter", "中袖")),
       V("long", "长袖", "Long sleeve", ("long sleeves", "long-sleeved"))),
    _d("sleeve_type", "袖型", "Sleeve type", "product", "one",
       V("set_in", "常规袖", "Set-in", ("regular sleeve", "装袖")),
       V("raglan", "插肩袖", "Raglan", ()),
       V("drop_shoulder", "落肩袖", "Drop shoulder", ("dropped shoulder", "落肩")),
       V("puff", "泡泡袖", "Puff", ("puff sleeve", "灯笼袖")),
       V("bell", "喇叭袖", "Bell", ("flare sleeve",)),
       V("cap", "盖袖", "Cap", ("cap sleeve",))),
    _d("neckline", "领口", "Neckline", "product", "one",
       V("crew", "圆领", "Crew neck", ("round neck", "crew neck", "crewneck")),
       V("v_neck", "V领", "V-neck", ("v neck", "v-neck", "v领")),
       V("collar", "翻领", "Collared", ("shirt collar", "衬衫领")),
       V("hood", "连帽", "Hooded", ("hooded", "帽领")),
       V("lapel", "西装领", "Lapel", ("notched lapel", "翻驳领")),
       V("turtleneck", "高领", "Turtleneck", ("roll neck", "polo neck", "高翻领")),
       V("square", "方领", "Square neck", ("square neck",)),
       V("off_shoulder", "一字领", "Off-shoulder", ("off shoulder", "露肩"))),
    _d("collar", "领型", "Collar", "product", "one",
       V("none", "无领", "No collar", ("collarless",)),
       V("point", "尖领", "Point collar", ("point collar", "标准领")),
       V("button_down", "扣领", "Button-down collar", ("button down",)),
       V("stand", "立领", "Stand collar", ("mandarin collar", "mandarin", "中式立领")),
       V("peter_pan", "娃娃领", "Peter Pan collar", ("peter pan",)),
       V("notched", "平驳领", "Notched lapel", ("notch lapel",)),
       V("peak", "戗驳领", "Peak lapel", ("peak lapel",)),
       V("hood", "帽子", "Hood", ("hooded collar",))),
    _d("closure", "门襟", "Closure", "product", "one",
       V("none", "套头", "Pullover / pull-on", ("pullover", "pull-on", "pull on", "无门襟", "套穿")),
       V("buttons", "单排扣", "Buttons", ("button", "single breasted", "single-breasted", "纽扣", "扣子")),
       V("double_breasted", "双排扣", "Double-breasted", ("double breasted",)),
       V("zip", "拉链", "Zip", ("zipper", "zip-up", "zip up")),
       V("tie", "系带", "Tie", ("wrap", "belt tie", "绑带")),
       V("snap", "按扣", "Snap buttons", ("press studs", "snaps"))),
    _d("has_pockets", "有口袋", "Has pockets", "product", "bool", *_BOOL),
    _d("pocket_style", "口袋样式", "Pocket style", "product", "one",
       V("patch", "贴袋", "Patch pocket", ("patch pockets",)),
       V("welt", "挖袋", "Welt pocket", ("welt pockets", "slit pocket", "插袋")),
       V("kangaroo", "袋鼠兜", "Kangaroo pocket", ("kangaroo", "front pouch")),
       V("flap", "翻盖口袋", "Flap pocket", ("flap pockets",))),
    _d("waist", "腰型", "Waist", "product", "one",
       V("high", "高腰", "High waist", ("high-waisted", "high rise", "high-rise")),
       V("mid", "中腰", "Mid waist", ("mid rise", "mid-rise", "regular waist")),
       V("low", "低腰", "Low waist", ("low rise", "low-rise")),
       V("elastic", "松紧腰", "Elastic waist", ("elasticated", "松紧")),
       V("empire", "帝国腰", "Empire waist", ("高腰线",))),
    _d("thickness", "厚度", "Thickness", "product", "one",
       V("thin", "薄款", "Thin", ("lightweight", "light", "薄")),
       V("regular", "常规厚度", "Regular", ("medium weight", "适中")),
       V("thick", "厚款", "Thick", ("heavy", "heavyweight", "加厚", "厚")),
       V("padded", "加绒", "Padded", ("fleece lined", "fleece-lined", "夹棉", "抓绒"))),
    _d("silhouette", "廓形", "Silhouette", "product", "one",
       V("top", "上装", "Top", ("上衣",)),
       V("outerwear", "外套", "Outerwear", ("外衣",)),
       V("dress", "裙装", "Dress", ("one piece",)),
       V("trousers", "裤装", "Trousers", ("bottoms", "下装")),
       V("skirt", "裙", "Skirt", ("半裙",))),
    _d("elasticity", "弹性", "Elasticity", "product", "one",
       V("none", "无弹", "No stretch", ("no stretch", "non-stretch")),
       V("slight", "微弹", "Slight stretch", ("slight stretch",)),
       V("high", "高弹", "High stretch", ("stretchy", "stretch", "弹力"))),
    _d("hooded", "连帽", "Hooded", "product", "bool", *_BOOL),
    _d("belted", "带腰带", "Belted", "product", "bool", *_BOOL),
    _d("drawstring", "抽绳", "Drawstring", "product", "bool", *_BOOL),
    # --- both sides ------------------------------------------------------------------------
    _d("style", "风格", "Style", "both", "many", *_STYLES),
    _d("occasion", "场合", "Occasion", "both", "many", *_OCCASIONS),
    _d("scene", "场景", "Scene", "both", "one", *_SCENES),
    # --- templates ---------------------------------------------------------------------------
    _d("action", "动作", "Action", "template", "one",
       V("idle", "站立", "Idle", ("standing", "stand", "站姿")),
       V("walk", "走秀", "Walk", ("catwalk walk", "walking", "走路")),
       V("walk_across", "横向走", "Walk across", ("walk past", "横穿")),
       V("turn", "转身", "Turn", ("spin", "turn around", "转圈")),
       V("hands_in_pockets", "插兜", "Hands in pockets", ("hands in pockets", "手插口袋", "插口袋")),
       V("hand_on_hip", "叉腰", "Hand on hip", ("hand on hip", "单手叉腰")),
       V("arms_raise", "举手", "Arms raise", ("arms up", "raise arms", "抬手")),
       V("sleeve_show", "展示袖口", "Sleeve show", ("show sleeve", "cuff show", "展示袖子")),
       V("sit_down", "坐下", "Sit down", ("sitting", "seated", "坐姿")),
       V("wave", "挥手", "Wave", ("waving", "招手")),
       V("detail_closeup", "细节特写", "Detail close-up", ("close-up", "closeup", "细节", "特写"))),
    _d("shot_type", "镜头类型", "Shot type", "template", "one",
       V("full_body", "全身", "Full body", ("full-body", "full length", "全身镜头")),
       V("detail_closeup", "细节特写", "Detail close-up", ("detail", "close-up", "closeup", "特写")),
       V("runway_walk", "走秀", "Runway walk", ("runway", "catwalk", "走秀镜头")),
       V("turn", "转身展示", "Turn", ("turnaround", "360", "转身"))),
    _d("camera_move", "运镜", "Camera move", "template", "one",
       V("static", "固定机位", "Static", ("fixed", "locked off", "固定")),
       V("push_in", "推镜", "Push in", ("push-in", "dolly in", "zoom in", "推进")),
       V("track", "跟拍", "Track", ("tracking", "follow", "pan", "跟随"))),
    _d("lighting", "布光", "Lighting", "template", "one",
       V("soft", "柔光", "Soft", ("diffuse", "柔和")),
       V("warm", "暖光", "Warm", ("golden", "暖色调")),
       V("cool", "冷光", "Cool", ("cold", "冷色调")),
       V("high_key", "高调光", "High key", ("high-key", "bright", "明亮"))),
    _d("model_gender", "模特性别", "Model gender", "template", "one",
       V("female", "女模特", "Female", ("women", "woman", "女")),
       V("male", "男模特", "Male", ("men", "man", "男"))),
    _d("model_age_group", "模特年龄段", "Model age group", "template", "one",
       V("kids", "儿童模特", "Kids", ("child",)),
       V("teen", "青少年模特", "Teen", ()),
       V("adult", "成人模特", "Adult", ()),
       V("senior", "中老年模特", "Senior", ())),
    _d("body_type", "体型", "Body type", "template", "one",
       V("slim", "偏瘦", "Slim", ("thin", "瘦")),
       V("average", "标准", "Average", ("regular", "standard", "匀称")),
       V("athletic", "健美", "Athletic", ("muscular", "fit")),
       V("curvy", "丰满", "Curvy", ("plus", "plus size", "大码"))),
    _d("tempo", "节奏", "Tempo", "template", "one",
       V("slow", "慢", "Slow", ("calm", "舒缓")),
       V("medium", "中速", "Medium", ("moderate", "适中")),
       V("fast", "快", "Fast", ("energetic", "快速"))),
    _d("orientation", "画幅", "Orientation", "template", "one",
       V("portrait", "竖屏", "Portrait", ("vertical", "9:16", "3:4")),
       V("landscape", "横屏", "Landscape", ("horizontal", "16:9")),
       V("square", "方形", "Square", ("1:1",))),
    _d("requires_pockets", "需要口袋", "Requires pockets", "template", "bool", *_BOOL),
    _d("loopable", "可循环", "Loopable", "template", "bool", *_BOOL),
    _d("backdrop_colour", "背景色系", "Backdrop colour", "template", "many", *_COLOURS),
)

BY_NAME: dict[str, DimensionDef] = {d.name: d for d in DIMENSIONS}

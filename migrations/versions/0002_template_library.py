"""The template library: tag dictionary, templates, CEL rules, and the version counters
that let a matcher cache the library and notice any committed change with one read.

The dictionary and the seeded rules are frozen here as data (a migration never imports
app code that may change later); `catwalk.library.dictionary` is the living copy and a test
checks that a fresh database holds exactly its dimensions and values.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DESCRIPTOR_DIM = 24

DIMENSIONS = (
    ('category', '品类', 'Category', 'product', 'one', (
        ('tshirt', 'T恤', 'T-shirt', ('t-shirt', 'tee', 't恤衫')),
        ('shirt', '衬衫', 'Shirt', ('衬衣', 'blouse shirt')),
        ('blouse', '女式衬衫', 'Blouse', ('雪纺衫',)),
        ('hoodie', '连帽卫衣', 'Hoodie', ('hooded sweatshirt', '卫衣', 'sweatshirt')),
        ('sweater', '毛衣', 'Sweater', ('knit top', 'jumper', 'cardigan', '针织衫', '开衫')),
        ('sleeveless', '背心', 'Tank top', ('tank top', 'tank', 'vest top', '无袖上衣', '吊带')),
        ('jacket', '夹克', 'Jacket', ('外套夹克', 'bomber')),
        ('blazer', '西装外套', 'Blazer', ('suit jacket', '西服')),
        ('coat', '大衣', 'Coat', ('overcoat', '外套', '毛呢大衣')),
        ('trench', '风衣', 'Trench coat', ('trench coat', '风衣外套')),
        ('dress', '连衣裙', 'Dress', ('裙装',)),
        ('skirt', '半身裙', 'Skirt', ('裙子',)),
        ('trousers', '长裤', 'Trousers', ('pants', '裤子', '西裤')),
        ('jeans', '牛仔裤', 'Jeans', ('denim trousers',)),
        ('shorts', '短裤', 'Shorts', ()),
        ('jumpsuit', '连体裤', 'Jumpsuit', ('romper', '连身裤')),
    )),
    ('gender', '性别', 'Gender', 'product', 'one', (
        ('women', '女士', 'Women', ('female', 'woman', 'womens', "women's", 'ladies', '女', '女款', '女装')),
        ('men', '男士', 'Men', ('male', 'man', 'mens', "men's", '男', '男款', '男装')),
        ('unisex', '男女同款', 'Unisex', ('中性', '男女通用')),
    )),
    ('age_group', '年龄段', 'Age group', 'product', 'one', (
        ('kids', '儿童', 'Kids', ('children', 'child', '童装')),
        ('teen', '青少年', 'Teen', ('teens', '少年')),
        ('adult', '成人', 'Adult', ('成年',)),
        ('senior', '中老年', 'Senior', ('elderly', '老年')),
    )),
    ('season', '季节', 'Season', 'both', 'many', (
        ('spring', '春季', 'Spring', ('春', '春天')),
        ('summer', '夏季', 'Summer', ('夏', '夏天')),
        ('autumn', '秋季', 'Autumn', ('fall', '秋', '秋天')),
        ('winter', '冬季', 'Winter', ('冬', '冬天')),
    )),
    ('colour_family', '色系', 'Colour family', 'product', 'many', (
        ('black', '黑色', 'Black', ('黑', 'jet black')),
        ('white', '白色', 'White', ('白', 'off white', 'ivory', '米白')),
        ('grey', '灰色', 'Grey', ('gray', 'light grey', 'light gray', 'charcoal', '浅灰色', '炭灰色', '灰')),
        ('beige', '米色', 'Beige', ('camel', 'khaki', 'tan', '驼色', '卡其色', '卡其')),
        ('brown', '棕色', 'Brown', ('coffee', 'chocolate', '咖啡色', '棕')),
        ('red', '红色', 'Red', ('burgundy', 'wine', '酒红色', '红')),
        ('pink', '粉色', 'Pink', ('rose', '粉红色', '粉')),
        ('orange', '橙色', 'Orange', ('橘色',)),
        ('yellow', '黄色', 'Yellow', ('mustard', '姜黄色', '黄')),
        ('green', '绿色', 'Green', ('olive', 'forest green', '橄榄绿', '墨绿色', '绿')),
        ('blue', '蓝色', 'Blue', ('sky blue', 'denim blue', '天蓝色', '牛仔蓝', '蓝')),
        ('navy', '藏青色', 'Navy', ('navy blue', 'dark blue', '藏蓝色', '深蓝色')),
        ('purple', '紫色', 'Purple', ('violet', 'lilac', '紫')),
        ('multi', '多色', 'Multicolour', ('multicolor', 'multicolour', '彩色', '拼色')),
    )),
    ('pattern', '图案', 'Pattern', 'product', 'one', (
        ('solid', '纯色', 'Solid', ('plain', '无图案')),
        ('stripes', '条纹', 'Stripes', ('striped', 'stripe', '条纹图案')),
        ('checks', '格纹', 'Checks', ('checked', 'plaid', 'tartan', '格子')),
        ('floral', '碎花', 'Floral', ('flowers', 'flower print', '印花', '花卉')),
        ('abstract', '抽象印花', 'Abstract print', ('abstract', 'print', '抽象')),
        ('logo', '字母标志', 'Logo', ('lettering', 'graphic', '字母', 'logo印花')),
        ('polka_dot', '波点', 'Polka dot', ('dots', 'dotted', '圆点')),
        ('animal', '动物纹', 'Animal print', ('leopard', '豹纹', 'zebra')),
    )),
    ('material', '面料', 'Material', 'product', 'many', (
        ('cotton', '棉', 'Cotton', ('纯棉', '全棉')),
        ('linen', '亚麻', 'Linen', ('麻',)),
        ('wool', '羊毛', 'Wool', ('毛呢', 'woollen', 'woolen')),
        ('polyester', '聚酯纤维', 'Polyester', ('涤纶', 'poly')),
        ('denim', '牛仔布', 'Denim', ('牛仔', 'jean')),
        ('silk', '真丝', 'Silk', ('丝绸', '桑蚕丝')),
        ('cashmere', '羊绒', 'Cashmere', ()),
        ('leather', '皮革', 'Leather', ('真皮', 'pu leather')),
        ('knit', '针织', 'Knit', ('knitted', '针织面料')),
        ('chiffon', '雪纺', 'Chiffon', ()),
        ('nylon', '锦纶', 'Nylon', ('尼龙',)),
    )),
    ('fit', '版型', 'Fit', 'product', 'one', (
        ('slim', '修身', 'Slim', ('slim fit', 'fitted', '紧身')),
        ('regular', '常规', 'Regular', ('regular fit', '标准')),
        ('loose', '宽松', 'Loose', ('relaxed', 'oversized', 'oversize', '廓形')),
    )),
    ('length', '衣长', 'Length', 'product', 'one', (
        ('cropped', '短款', 'Cropped', ('crop', '露脐')),
        ('regular', '常规款', 'Regular', ('常规长度',)),
        ('hip', '及臀', 'Hip length', ('hip length',)),
        ('mini', '超短', 'Mini', ('迷你',)),
        ('knee', '及膝', 'Knee length', ('knee length', 'knee-length')),
        ('midi', '中长款', 'Midi', ('mid length', 'mid-length', '中长')),
        ('maxi', '长款', 'Maxi', ('floor length', 'ankle length', '长裙')),
    )),
    ('sleeve_length', '袖长', 'Sleeve length', 'product', 'one', (
        ('sleeveless', '无袖', 'Sleeveless', ('no sleeves',)),
        ('short', '短袖', 'Short sleeve', ('short sleeves', 'short-sleeved')),
        ('three_quarter', '七分袖', 'Three-quarter sleeve', ('3/4 sleeve', 'three quarter', '中袖')),
        ('long', '长袖', 'Long sleeve', ('long sleeves', 'long-sleeved')),
    )),
    ('sleeve_type', '袖型', 'Sleeve type', 'product', 'one', (
        ('set_in', '常规袖', 'Set-in', ('regular sleeve', '装袖')),
        ('raglan', '插肩袖', 'Raglan', ()),
        ('drop_shoulder', '落肩袖', 'Drop shoulder', ('dropped shoulder', '落肩')),
        ('puff', '泡泡袖', 'Puff', ('puff sleeve', '灯笼袖')),
        ('bell', '喇叭袖', 'Bell', ('flare sleeve',)),
        ('cap', '盖袖', 'Cap', ('cap sleeve',)),
    )),
    ('neckline', '领口', 'Neckline', 'product', 'one', (
        ('crew', '圆领', 'Crew neck', ('round neck', 'crew neck', 'crewneck')),
        ('v_neck', 'V领', 'V-neck', ('v neck', 'v-neck', 'v领')),
        ('collar', '翻领', 'Collared', ('shirt collar', '衬衫领')),
        ('hood', '连帽', 'Hooded', ('hooded', '帽领')),
        ('lapel', '西装领', 'Lapel', ('notched lapel', '翻驳领')),
        ('turtleneck', '高领', 'Turtleneck', ('roll neck', 'polo neck', '高翻领')),
        ('square', '方领', 'Square neck', ('square neck',)),
        ('off_shoulder', '一字领', 'Off-shoulder', ('off shoulder', '露肩')),
    )),
    ('collar', '领型', 'Collar', 'product', 'one', (
        ('none', '无领', 'No collar', ('collarless',)),
        ('point', '尖领', 'Point collar', ('point collar', '标准领')),
        ('button_down', '扣领', 'Button-down collar', ('button down',)),
        ('stand', '立领', 'Stand collar', ('mandarin collar', 'mandarin', '中式立领')),
        ('peter_pan', '娃娃领', 'Peter Pan collar', ('peter pan',)),
        ('notched', '平驳领', 'Notched lapel', ('notch lapel',)),
        ('peak', '戗驳领', 'Peak lapel', ('peak lapel',)),
        ('hood', '帽子', 'Hood', ('hooded collar',)),
    )),
    ('closure', '门襟', 'Closure', 'product', 'one', (
        ('none', '套头', 'Pullover / pull-on', ('pullover', 'pull-on', 'pull on', '无门襟', '套穿')),
        ('buttons', '单排扣', 'Buttons', ('button', 'single breasted', 'single-breasted', '纽扣', '扣子')),
        ('double_breasted', '双排扣', 'Double-breasted', ('double breasted',)),
        ('zip', '拉链', 'Zip', ('zipper', 'zip-up', 'zip up')),
        ('tie', '系带', 'Tie', ('wrap', 'belt tie', '绑带')),
        ('snap', '按扣', 'Snap buttons', ('press studs', 'snaps')),
    )),
    ('has_pockets', '有口袋', 'Has pockets', 'product', 'bool', (
    )),
    ('pocket_style', '口袋样式', 'Pocket style', 'product', 'one', (
        ('patch', '贴袋', 'Patch pocket', ('patch pockets',)),
        ('welt', '挖袋', 'Welt pocket', ('welt pockets', 'slit pocket', '插袋')),
        ('kangaroo', '袋鼠兜', 'Kangaroo pocket', ('kangaroo', 'front pouch')),
        ('flap', '翻盖口袋', 'Flap pocket', ('flap pockets',)),
    )),
    ('waist', '腰型', 'Waist', 'product', 'one', (
        ('high', '高腰', 'High waist', ('high-waisted', 'high rise', 'high-rise')),
        ('mid', '中腰', 'Mid waist', ('mid rise', 'mid-rise', 'regular waist')),
        ('low', '低腰', 'Low waist', ('low rise', 'low-rise')),
        ('elastic', '松紧腰', 'Elastic waist', ('elasticated', '松紧')),
        ('empire', '帝国腰', 'Empire waist', ('高腰线',)),
    )),
    ('thickness', '厚度', 'Thickness', 'product', 'one', (
        ('thin', '薄款', 'Thin', ('lightweight', 'light', '薄')),
        ('regular', '常规厚度', 'Regular', ('medium weight', '适中')),
        ('thick', '厚款', 'Thick', ('heavy', 'heavyweight', '加厚', '厚')),
        ('padded', '加绒', 'Padded', ('fleece lined', 'fleece-lined', '夹棉', '抓绒')),
    )),
    ('silhouette', '廓形', 'Silhouette', 'product', 'one', (
        ('top', '上装', 'Top', ('上衣',)),
        ('outerwear', '外套', 'Outerwear', ('外衣',)),
        ('dress', '裙装', 'Dress', ('one piece',)),
        ('trousers', '裤装', 'Trousers', ('bottoms', '下装')),
        ('skirt', '裙', 'Skirt', ('半裙',)),
    )),
    ('elasticity', '弹性', 'Elasticity', 'product', 'one', (
        ('none', '无弹', 'No stretch', ('no stretch', 'non-stretch')),
        ('slight', '微弹', 'Slight stretch', ('slight stretch',)),
        ('high', '高弹', 'High stretch', ('stretchy', 'stretch', '弹力')),
    )),
    ('hooded', '连帽', 'Hooded', 'product', 'bool', (
    )),
    ('belted', '带腰带', 'Belted', 'product', 'bool', (
    )),
    ('drawstring', '抽绳', 'Drawstring', 'product', 'bool', (
    )),
    ('style', '风格', 'Style', 'both', 'many', (
        ('casual', '休闲', 'Casual', ('休闲风', 'everyday')),
        ('business', '商务', 'Business', ('通勤', 'formal', 'office', '正装')),
        ('street', '街头', 'Street', ('streetwear', '街头风', '潮流')),
        ('sporty', '运动', 'Sporty', ('sport', 'athleisure', '运动风')),
        ('elegant', '优雅', 'Elegant', ('chic', '优雅风', '气质')),
        ('vintage', '复古', 'Vintage', ('retro', '复古风')),
        ('minimalist', '简约', 'Minimalist', ('minimal', '简约风', '极简')),
    )),
    ('occasion', '场合', 'Occasion', 'both', 'many', (
        ('daily', '日常', 'Daily', ('everyday', '日常穿着')),
        ('work', '通勤', 'Work', ('office', 'commute', '上班', '职场')),
        ('street', '街拍', 'Street', ('city', '逛街')),
        ('sport', '运动', 'Sport', ('gym', 'workout', '健身')),
        ('party', '派对', 'Party', ('evening', 'dinner', '晚宴', '聚会')),
        ('vacation', '度假', 'Vacation', ('holiday', 'beach holiday', '旅行')),
        ('date', '约会', 'Date', ('dating',)),
    )),
    ('scene', '场景', 'Scene', 'both', 'one', (
        ('studio', '影棚', 'Studio', ('photo studio', '摄影棚', '棚拍')),
        ('gradient', '渐变背景', 'Gradient backdrop', ('gradient backdrop', '渐变')),
        ('room', '室内', 'Room', ('indoor', 'interior', 'home', '家居')),
        ('outdoor', '户外', 'Outdoor', ('outside', 'park', '公园', '室外')),
        ('street', '街道', 'Street', ('city street', 'urban', '街景')),
        ('office', '办公室', 'Office', ('workplace', '写字楼')),
        ('runway', 'T台', 'Runway', ('catwalk', '秀场', 'T 台')),
        ('beach', '海滩', 'Beach', ('seaside', '海边', '沙滩')),
        ('snow', '雪景', 'Snow', ('snowfield', 'snowy', '雪地')),
    )),
    ('action', '动作', 'Action', 'template', 'one', (
        ('idle', '站立', 'Idle', ('standing', 'stand', '站姿')),
        ('walk', '走秀', 'Walk', ('catwalk walk', 'walking', '走路')),
        ('walk_across', '横向走', 'Walk across', ('walk past', '横穿')),
        ('turn', '转身', 'Turn', ('spin', 'turn around', '转圈')),
        ('hands_in_pockets', '插兜', 'Hands in pockets', ('hands in pockets', '手插口袋', '插口袋')),
        ('hand_on_hip', '叉腰', 'Hand on hip', ('hand on hip', '单手叉腰')),
        ('arms_raise', '举手', 'Arms raise', ('arms up', 'raise arms', '抬手')),
        ('sleeve_show', '展示袖口', 'Sleeve show', ('show sleeve', 'cuff show', '展示袖子')),
        ('sit_down', '坐下', 'Sit down', ('sitting', 'seated', '坐姿')),
        ('wave', '挥手', 'Wave', ('waving', '招手')),
        ('detail_closeup', '细节特写', 'Detail close-up', ('close-up', 'closeup', '细节', '特写')),
    )),
    ('shot_type', '镜头类型', 'Shot type', 'template', 'one', (
        ('full_body', '全身', 'Full body', ('full-body', 'full length', '全身镜头')),
        ('detail_closeup', '细节特写', 'Detail close-up', ('detail', 'close-up', 'closeup', '特写')),
        ('runway_walk', '走秀', 'Runway walk', ('runway', 'catwalk', '走秀镜头')),
        ('turn', '转身展示', 'Turn', ('turnaround', '360', '转身')),
    )),
    ('camera_move', '运镜', 'Camera move', 'template', 'one', (
        ('static', '固定机位', 'Static', ('fixed', 'locked off', '固定')),
        ('push_in', '推镜', 'Push in', ('push-in', 'dolly in', 'zoom in', '推进')),
        ('track', '跟拍', 'Track', ('tracking', 'follow', 'pan', '跟随')),
    )),
    ('lighting', '布光', 'Lighting', 'template', 'one', (
        ('soft', '柔光', 'Soft', ('diffuse', '柔和')),
        ('warm', '暖光', 'Warm', ('golden', '暖色调')),
        ('cool', '冷光', 'Cool', ('cold', '冷色调')),
        ('high_key', '高调光', 'High key', ('high-key', 'bright', '明亮')),
    )),
    ('model_gender', '模特性别', 'Model gender', 'template', 'one', (
        ('female', '女模特', 'Female', ('women', 'woman', '女')),
        ('male', '男模特', 'Male', ('men', 'man', '男')),
    )),
    ('model_age_group', '模特年龄段', 'Model age group', 'template', 'one', (
        ('kids', '儿童模特', 'Kids', ('child',)),
        ('teen', '青少年模特', 'Teen', ()),
        ('adult', '成人模特', 'Adult', ()),
        ('senior', '中老年模特', 'Senior', ()),
    )),
    ('body_type', '体型', 'Body type', 'template', 'one', (
        ('slim', '偏瘦', 'Slim', ('thin', '瘦')),
        ('average', '标准', 'Average', ('regular', 'standard', '匀称')),
        ('athletic', '健美', 'Athletic', ('muscular', 'fit')),
        ('curvy', '丰满', 'Curvy', ('plus', 'plus size', '大码')),
    )),
    ('tempo', '节奏', 'Tempo', 'template', 'one', (
        ('slow', '慢', 'Slow', ('calm', '舒缓')),
        ('medium', '中速', 'Medium', ('moderate', '适中')),
        ('fast', '快', 'Fast', ('energetic', '快速')),
    )),
    ('orientation', '画幅', 'Orientation', 'template', 'one', (
        ('portrait', '竖屏', 'Portrait', ('vertical', '9:16', '3:4')),
        ('landscape', '横屏', 'Landscape', ('horizontal', '16:9')),
        ('square', '方形', 'Square', ('1:1',)),
    )),
    ('requires_pockets', '需要口袋', 'Requires pockets', 'template', 'bool', (
    )),
    ('loopable', '可循环', 'Loopable', 'template', 'bool', (
    )),
    ('backdrop_colour', '背景色系', 'Backdrop colour', 'template', 'many', (
        ('black', '黑色', 'Black', ('黑', 'jet black')),
        ('white', '白色', 'White', ('白', 'off white', 'ivory', '米白')),
        ('grey', '灰色', 'Grey', ('gray', 'light grey', 'light gray', 'charcoal', '浅灰色', '炭灰色', '灰')),
        ('beige', '米色', 'Beige', ('camel', 'khaki', 'tan', '驼色', '卡其色', '卡其')),
        ('brown', '棕色', 'Brown', ('coffee', 'chocolate', '咖啡色', '棕')),
        ('red', '红色', 'Red', ('burgundy', 'wine', '酒红色', '红')),
        ('pink', '粉色', 'Pink', ('rose', '粉红色', '粉')),
        ('orange', '橙色', 'Orange', ('橘色',)),
        ('yellow', '黄色', 'Yellow', ('mustard', '姜黄色', '黄')),
        ('green', '绿色', 'Green', ('olive', 'forest green', '橄榄绿', '墨绿色', '绿')),
        ('blue', '蓝色', 'Blue', ('sky blue', 'denim blue', '天蓝色', '牛仔蓝', '蓝')),
        ('navy', '藏青色', 'Navy', ('navy blue', 'dark blue', '藏蓝色', '深蓝色')),
        ('purple', '紫色', 'Purple', ('violet', 'lilac', '紫')),
        ('multi', '多色', 'Multicolour', ('multicolor', 'multicolour', '彩色', '拼色')),
    )),
)

RULES = (
    ("pocket", 'template.action == "hands_in_pockets" ? product.has_pockets : true', "block", 1.0,
     "A hands-in-pockets template needs a garment with pockets."),
    ("gender", 'product.gender == "unisex" || (product.gender == "women" && template.model_gender == "female")'
               ' || (product.gender == "men" && template.model_gender == "male")', "block", 1.0,
     "The template's model must be of a gender the garment is made for; unisex fits both."),
    ("season", '(!has(template.season) || template.season.exists(s, s in product.season))'
               ' && (template.scene != "beach" || "summer" in product.season)'
               ' && (template.scene != "snow" || "winter" in product.season)', "penalise", 0.5,
     "A template shot for other seasons than the garment's (or a beach/snow scene out of season) ranks lower."),
)

_TABLES = """
CREATE TABLE tag_dimensions (
    name text PRIMARY KEY,
    zh text NOT NULL,
    en text NOT NULL,
    applies_to text NOT NULL CHECK (applies_to IN ('product', 'template', 'both')),
    kind text NOT NULL CHECK (kind IN ('one', 'many', 'bool')),
    position integer NOT NULL
);
CREATE TABLE tag_values (
    dimension text NOT NULL REFERENCES tag_dimensions (name) ON DELETE CASCADE,
    value text NOT NULL,
    zh text NOT NULL,
    en text NOT NULL,
    synonyms text[] NOT NULL DEFAULT '{}',
    position integer NOT NULL,
    PRIMARY KEY (dimension, value)
);
CREATE TABLE templates (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL UNIQUE,
    status text NOT NULL DEFAULT 'importing' CHECK (status IN ('importing', 'ready', 'failed')),
    source_key text,
    assets jsonb NOT NULL DEFAULT '{}',
    tags jsonb NOT NULL DEFAULT '{}',
    descriptor vector(%(dim)d),
    duration_s double precision NOT NULL DEFAULT 0 CHECK (duration_s >= 0),
    fps double precision NOT NULL DEFAULT 0 CHECK (fps >= 0),
    width integer NOT NULL DEFAULT 0 CHECK (width >= 0),
    height integer NOT NULL DEFAULT 0 CHECK (height >= 0),
    error text,
    change_version bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE UNIQUE INDEX templates_source_key ON templates (source_key) WHERE source_key IS NOT NULL;
CREATE INDEX templates_created_id ON templates (created_at, id);
CREATE INDEX templates_tags ON templates USING gin (tags jsonb_path_ops);
CREATE INDEX templates_status ON templates (status);
CREATE INDEX templates_change_version ON templates (change_version);
CREATE TABLE template_deletions (
    id uuid,  -- NULL: the table was truncated
    change_version bigint NOT NULL
);
CREATE INDEX template_deletions_change_version ON template_deletions (change_version);
CREATE TABLE rules (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL UNIQUE,
    expression text NOT NULL,
    severity text NOT NULL CHECK (severity IN ('block', 'penalise')),
    weight double precision NOT NULL DEFAULT 1 CHECK (weight >= 0),
    description text NOT NULL DEFAULT '',
    enabled boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE library_state (
    id integer PRIMARY KEY CHECK (id = 1),
    templates_version bigint NOT NULL DEFAULT 0,
    rules_version bigint NOT NULL DEFAULT 0,
    dictionary_version bigint NOT NULL DEFAULT 0
);
INSERT INTO library_state (id) VALUES (1);
CREATE FUNCTION library_touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.updated_at := clock_timestamp(); RETURN NEW; END $$;
CREATE FUNCTION library_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('UPDATE library_state SET %%I = %%I + 1 WHERE id = 1', TG_ARGV[0], TG_ARGV[0]);
    RETURN NULL;
END $$;
CREATE TRIGGER templates_updated_at BEFORE UPDATE ON templates
    FOR EACH ROW EXECUTE FUNCTION library_touch_updated_at();
-- Every written row is stamped with the version its statement will publish, and every
-- deleted id kept with it: a reader holding version V re-reads only what changed after V.
-- The FOR UPDATE lock on library_state is held to commit, so versions follow commit order.
CREATE FUNCTION templates_next_version() RETURNS bigint LANGUAGE sql AS $$
    SELECT templates_version + 1 FROM library_state WHERE id = 1 FOR UPDATE $$;
CREATE FUNCTION templates_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.change_version := templates_next_version(); RETURN NEW; END $$;
CREATE FUNCTION templates_tombstone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_LEVEL = 'ROW' THEN
        INSERT INTO template_deletions VALUES (OLD.id, templates_next_version());
    ELSE
        INSERT INTO template_deletions VALUES (NULL, templates_next_version());
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER templates_stamp BEFORE INSERT OR UPDATE ON templates
    FOR EACH ROW EXECUTE FUNCTION templates_stamp();
CREATE TRIGGER templates_deleted AFTER DELETE ON templates
    FOR EACH ROW EXECUTE FUNCTION templates_tombstone();
CREATE TRIGGER templates_a_truncated AFTER TRUNCATE ON templates  -- "a": fires before templates_version
    FOR EACH STATEMENT EXECUTE FUNCTION templates_tombstone();
CREATE TRIGGER rules_updated_at BEFORE UPDATE ON rules
    FOR EACH ROW EXECUTE FUNCTION library_touch_updated_at();
"""

_VERSIONED = (("templates", "templates_version"), ("rules", "rules_version"),
              ("tag_dimensions", "dictionary_version"), ("tag_values", "dictionary_version"))


def upgrade() -> None:
    op.execute(_TABLES % {"dim": DESCRIPTOR_DIM})
    for table, column in _VERSIONED:
        op.execute(f"CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION library_bump_version('{column}')")
    bind = op.get_bind()
    for position, (name, zh, en, applies_to, kind, values) in enumerate(DIMENSIONS):
        bind.execute(sa.text("INSERT INTO tag_dimensions VALUES (:name, :zh, :en, :applies_to, :kind, :position)"),
                     dict(name=name, zh=zh, en=en, applies_to=applies_to, kind=kind, position=position))
        if values:
            bind.execute(sa.text("INSERT INTO tag_values VALUES (:dimension, :value, :zh, :en, :synonyms, :position)"),
                         [dict(dimension=name, value=v, zh=vzh, en=ven, synonyms=list(syn), position=i)
                          for i, (v, vzh, ven, syn) in enumerate(values)])
    bind.execute(sa.text("INSERT INTO rules (name, expression, severity, weight, description) "
                         "VALUES (:name, :expression, :severity, :weight, :description)"),
                 [dict(name=n, expression=e, severity=s, weight=w, description=d) for n, e, s, w, d in RULES])


def downgrade() -> None:
    for table in ("library_state", "rules", "template_deletions", "templates", "tag_values", "tag_dimensions"):
        op.execute(f"DROP TABLE IF EXISTS {table}")
    for function in ("templates_tombstone", "templates_stamp", "templates_next_version"):
        op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    op.execute("DROP FUNCTION IF EXISTS library_bump_version()")
    op.execute("DROP FUNCTION IF EXISTS library_touch_updated_at()")

/**
 * Red-flag rules: symptoms and readings that mean "stop answering questions, get this
 * person help". Conservative by design — when unsure, a rule fires; only clear
 * negations (没有胸痛, "denies chest pain") suppress it (see text/negation.ts).
 *
 * Patterns use PhraseMatcher syntax on normalised text. `concepts` reuse the synonym
 * table so colloquial phrasing (心口疼, 喘不上气) is covered in one place.
 */
import type { Localized, Urgency } from '../types';

export interface TextRedFlagRule {
  id: string;
  urgency: Urgency;
  title: Localized;
  concepts?: string[];
  patterns: string[];
  /** Matches overlapping one of these are ignored (想死你了 is not suicidal ideation). */
  unless?: string[];
  /** If given, the rule reaches `urgency` only when one of these also appears in the message; otherwise `urgencyWithoutContext`. */
  context?: string[];
  urgencyWithoutContext?: Urgency;
  /** What a negated mention does: nothing (default) or a lower-urgency check-in. */
  onNegated?: Urgency;
  guidance: Localized;
}

export const EMERGENCY_SCRIPT: Localized = {
  'zh-CN': '请立即拨打120 或前往最近的急诊。',
  en: 'Please call 120 now or go to the nearest emergency department.',
};

export const TEXT_RULES: readonly TextRedFlagRule[] = [
  {
    id: 'chest_pain',
    urgency: 'emergency',
    title: { 'zh-CN': '胸痛', en: 'Chest pain' },
    concepts: ['chest_pain'],
    patterns: ['胸口剧痛', '压榨样', '胸口像压了', 'crushing chest', 'heart attack', '心梗'],
    guidance: {
      'zh-CN': '患者描述胸痛。请立即拨打120 或前往最近的急诊；就地休息，不要自行开车或走路去医院，等待时保持电话畅通。',
      en: 'The patient reports chest pain. Please call 120 now or go to the nearest emergency department; rest, do not drive or walk to hospital, and keep the phone on.',
    },
  },
  {
    id: 'stroke',
    urgency: 'emergency',
    title: { 'zh-CN': '疑似卒中（中风）征象', en: 'Possible stroke signs' },
    patterns: [
      '口角歪斜', '嘴歪', '嘴角歪', '脸歪', '面瘫', '一侧肢体无力', '半边身子…没力', '半边身子…麻', '一边手脚…没力', '一侧…无力', '半身不遂', '手脚不听使唤', '胳膊抬不起来',
      '说话不清', '口齿不清', '说话含糊', '说不出话', '舌头不灵活', '突然看不见', '一只眼…看不见',
      'face drooping', 'facial droop', 'face is drooping', 'weak on one side', 'one side of my face', 'one side of my body', 'arm weakness', 'slurred speech', 'trouble speaking', "can't speak", 'cannot speak', 'stroke symptoms',
    ],
    guidance: {
      'zh-CN': '出现口角歪斜、一侧肢体无力或说话不清，可能是脑卒中，治疗越早越好。请立即拨打120 或前往最近的急诊，并记下症状开始的时间；不要喂水喂药。',
      en: 'Facial droop, one-sided weakness or slurred speech may be a stroke—every minute counts. Please call 120 now or go to the nearest emergency department, note the time symptoms began, and give nothing by mouth.',
    },
  },
  {
    id: 'breathing',
    urgency: 'emergency',
    title: { 'zh-CN': '呼吸困难', en: 'Difficulty breathing' },
    concepts: ['dyspnea'],
    patterns: ['嘴唇发紫', '嘴唇青紫', '憋得说不出话', '喘得说不出话', 'lips turning blue', 'gasping'],
    guidance: {
      'zh-CN': '患者描述呼吸困难。请立即拨打120 或前往最近的急诊；保持坐位或半卧位，松开衣领，有医生开具的急救吸入剂可按医嘱使用。',
      en: 'The patient reports difficulty breathing. Please call 120 now or go to the nearest emergency department; sit upright, loosen tight clothing and use a prescribed reliever inhaler as instructed.',
    },
  },
  {
    id: 'self_harm',
    urgency: 'emergency',
    title: { 'zh-CN': '自伤 / 自杀风险', en: 'Self-harm / suicide risk' },
    patterns: [
      '不想活了', '不想活', '想自杀', '自杀', '轻生', '想死', '活着没意思', '活着没意义', '结束生命', '结束自己', '了结自己', '割腕', '跳楼', '伤害自己', '自残', '活不下去',
      'suicide', 'suicidal', 'kill myself', 'end my life', "don't want to live", 'do not want to live', 'want to die', 'self-harm', 'self harm', 'hurt myself', 'cut myself',
    ],
    unless: ['想死你', '想死我了', '笑死', '热死', '累死', '急死', '烦死', '困死', '饿死', '吓死'],
    onNegated: 'urgent',
    guidance: {
      'zh-CN': '患者流露自伤或轻生念头。请保持对话、表达关心，不要评判；立即转给临床人员。若有即刻危险，请立即拨打120 或110；也可拨打心理援助热线12356。',
      en: 'The patient expresses thoughts of self-harm or suicide. Stay in the conversation, show care, do not judge, and hand over to clinical staff now. If there is immediate danger call 120 or 110; the 12356 mental-health helpline is also available.',
    },
  },
  {
    id: 'anaphylaxis',
    urgency: 'emergency',
    title: { 'zh-CN': '疑似严重过敏反应', en: 'Possible severe allergic reaction' },
    patterns: ['喉咙发紧', '喉咙…紧', '喉咙肿', '嗓子发紧', '嗓子…肿', '喉头水肿', '舌头肿', '嘴唇肿', '过敏性休克', 'throat…tight', 'throat is closing', 'swollen tongue', 'tongue is swelling', 'lips are swelling', 'anaphylaxis', 'anaphylactic'],
    context: ['吃了', '用了', '打了', '输液', '打针', '药', '过敏', '海鲜', '花生', '芒果', '虾', '蜂', '青霉素', '头孢', 'ate', 'took', 'medicine', 'allergic', 'allergy', 'peanut', 'injection', 'sting'],
    urgencyWithoutContext: 'urgent',
    guidance: {
      'zh-CN': '用药或进食后出现喉咙发紧、嘴唇舌头肿胀，可能是严重过敏反应，可在几分钟内危及呼吸。请立即拨打120 或前往最近的急诊；停止可疑药物或食物，有肾上腺素笔者按医嘱使用。',
      en: 'Throat tightness or lip/tongue swelling after a medicine or food may be anaphylaxis, which can block breathing within minutes. Please call 120 now or go to the nearest emergency department; stop the suspected medicine or food and use an adrenaline pen if prescribed.',
    },
  },
  {
    id: 'heavy_bleeding',
    urgency: 'emergency',
    title: { 'zh-CN': '大出血', en: 'Heavy bleeding' },
    patterns: ['大出血', '血止不住', '止不住血', '流了很多血', '大量出血', '出血…止不住', '吐血', '呕血', '咯血', '咳血', '大口…血', '便血很多', '拉了很多血', '血流不止', 'heavy bleeding', 'bleeding heavily', "won't stop bleeding", 'will not stop bleeding', 'vomiting blood', 'coughing up blood', 'lots of blood'],
    guidance: {
      'zh-CN': '患者描述大量出血或出血不止。请立即拨打120 或前往最近的急诊；外伤出血用干净布料持续用力按压。正在服用抗凝或抗血小板药物请告知医生。',
      en: 'The patient reports heavy or uncontrolled bleeding. Please call 120 now or go to the nearest emergency department; press firmly and continuously on external bleeding with a clean cloth. Tell the doctors about any anticoagulant or antiplatelet medicine.',
    },
  },
  {
    id: 'seizure',
    urgency: 'emergency',
    title: { 'zh-CN': '抽搐', en: 'Seizure' },
    patterns: ['抽搐', '抽风', '癫痫发作', '口吐白沫', '四肢抽动', '浑身抽', 'seizure', 'convulsion', 'convulsing', 'having a fit'],
    guidance: {
      'zh-CN': '患者或家属描述抽搐。请立即拨打120 或前往最近的急诊；让患者侧卧、移开周围硬物，不要往嘴里塞东西，不要强行按压肢体，记录抽搐时间。',
      en: 'A seizure is described. Please call 120 now or go to the nearest emergency department; lay the person on their side, move hard objects away, put nothing in the mouth, do not restrain the limbs, and time the seizure.',
    },
  },
  {
    id: 'unconscious',
    urgency: 'emergency',
    title: { 'zh-CN': '意识丧失', en: 'Loss of consciousness' },
    patterns: ['昏迷', '叫不醒', '晕倒', '晕过去', '昏过去', '不省人事', '意识不清', '昏倒', '失去意识', '没有意识', '叫…没反应', '喊…没反应', 'unconscious', 'passed out', 'fainted', 'unresponsive', 'collapsed', 'not responding', "won't wake up"],
    guidance: {
      'zh-CN': '描述晕倒、叫不醒或意识不清。请立即拨打120 或前往最近的急诊；让患者平卧或侧卧，保持呼吸道通畅，不要喂水喂食；糖尿病患者如能测血糖请告知医生结果。',
      en: 'Fainting, unresponsiveness or confusion is described. Please call 120 now or go to the nearest emergency department; lay the person flat or on their side, keep the airway clear and give nothing by mouth; if diabetic and a glucose reading is possible, tell the doctors.',
    },
  },
  {
    id: 'thunderclap_headache',
    urgency: 'emergency',
    title: { 'zh-CN': '突发剧烈头痛', en: 'Sudden severe headache' },
    patterns: ['剧烈头痛', '头痛欲裂', '炸裂样头痛', '头要炸了', '从没这么痛过', '突然…头痛得厉害', 'worst headache', 'thunderclap headache', 'sudden severe headache'],
    guidance: {
      'zh-CN': '突然发生的剧烈头痛可能是脑出血等急症。请立即拨打120 或前往最近的急诊，尤其伴呕吐、颈部僵硬、意识改变或肢体无力时。',
      en: 'A sudden, severe headache can signal a brain bleed. Please call 120 now or go to the nearest emergency department, especially with vomiting, a stiff neck, confusion or weakness.',
    },
  },
  {
    id: 'overdose',
    urgency: 'emergency',
    title: { 'zh-CN': '过量服药 / 中毒', en: 'Overdose / poisoning' },
    patterns: ['吃了一整瓶', '一次吃了很多片', '药吃多了', '吃多了药', '误服', '喝了农药', '农药中毒', '一氧化碳', '煤气中毒', 'overdose', 'took too many', 'swallowed a bottle', 'poisoning'],
    guidance: {
      'zh-CN': '可能过量服药或中毒。请立即拨打120 或前往最近的急诊，带上药盒或毒物包装；不要自行催吐。',
      en: 'Possible overdose or poisoning. Please call 120 now or go to the nearest emergency department and bring the packaging; do not induce vomiting.',
    },
  },
  {
    id: 'chest_tightness',
    urgency: 'urgent',
    title: { 'zh-CN': '胸闷', en: 'Chest tightness' },
    concepts: ['chest_tightness'],
    patterns: [],
    guidance: {
      'zh-CN': '患者描述胸闷。请尽快询问是否伴胸痛、出汗、气短或持续超过15分钟；如有，请立即拨打120 或前往最近的急诊，否则建议当天就医。',
      en: 'The patient reports chest tightness. Ask promptly about chest pain, sweating, breathlessness or duration over 15 minutes; if any, call 120 or go to the nearest emergency department, otherwise see a doctor today.',
    },
  },
  {
    id: 'pregnancy_warning',
    urgency: 'urgent',
    title: { 'zh-CN': '孕期警示症状', en: 'Pregnancy warning sign' },
    patterns: ['胎动减少', '胎动少了', '感觉不到胎动', '没有胎动', '破水', '羊水破了', '孕…出血', '怀孕…出血', '怀孕…流血', 'reduced fetal movement', 'baby is not moving', 'waters broke', 'bleeding in pregnancy'],
    guidance: {
      'zh-CN': '孕期出现胎动减少、阴道出血或破水，需尽快到产科急诊评估；出血量大或腹痛剧烈请立即拨打120。',
      en: 'Reduced fetal movement, vaginal bleeding or broken waters in pregnancy need prompt obstetric emergency assessment; heavy bleeding or severe pain—call 120.',
    },
  },
  {
    id: 'glucose_meter_hi',
    urgency: 'urgent',
    title: { 'zh-CN': '血糖仪显示HI/测不出', en: 'Meter reads HI' },
    patterns: ['显示hi', '显示high', '血糖…测不出', '血糖仪…hi', 'meter says hi', 'reads hi'],
    guidance: {
      'zh-CN': '血糖仪显示“HI”或测不出通常表示血糖极高。请尽快就医；如伴恶心呕吐、呼吸深快或嗜睡，请立即拨打120 或前往最近的急诊。',
      en: 'A meter reading of "HI" usually means glucose is extremely high. Seek care promptly; with vomiting, deep rapid breathing or drowsiness, call 120 or go to the nearest emergency department.',
    },
  },
];

export interface ReadingRedFlagRule {
  id: string;
  kind: 'glucose' | 'systolic' | 'diastolic' | 'heart_rate' | 'temperature' | 'spo2';
  op: '<' | '>' | '>=' | '<=';
  value: number;
  urgency: Urgency;
  title: Localized;
  guidance: Localized;
}

export const READING_RULES: readonly ReadingRedFlagRule[] = [
  {
    id: 'severe_hypoglycemia',
    kind: 'glucose',
    op: '<',
    value: 3.0,
    urgency: 'emergency',
    title: { 'zh-CN': '严重低血糖（< 3.0 mmol/L）', en: 'Severe hypoglycaemia (< 3.0 mmol/L)' },
    guidance: {
      'zh-CN': '血糖低于3.0 mmol/L属于严重低血糖。神志清楚时立即吃15–20克糖（如半杯果汁或4块方糖），15分钟后复测；如意识模糊、叫不醒或无法进食，请立即拨打120，不要强行喂食。',
      en: 'Glucose below 3.0 mmol/L is severe hypoglycaemia. If alert, take 15–20 g of sugar now (half a glass of juice or 4 sugar cubes) and recheck in 15 minutes; if confused, unrousable or unable to swallow, call 120 now and do not force food.',
    },
  },
  {
    id: 'severe_hyperglycemia',
    kind: 'glucose',
    op: '>',
    value: 16.7,
    urgency: 'urgent',
    title: { 'zh-CN': '血糖过高（> 16.7 mmol/L）', en: 'Very high glucose (> 16.7 mmol/L)' },
    guidance: {
      'zh-CN': '血糖高于16.7 mmol/L。请多喝白开水、1–2小时后复测并尽快联系医生；如伴恶心呕吐、腹痛、呼吸深快、嗜睡或意识模糊，请立即拨打120 或前往最近的急诊。',
      en: 'Glucose above 16.7 mmol/L. Drink water, recheck in 1–2 hours and contact the doctor soon; with vomiting, abdominal pain, deep rapid breathing, drowsiness or confusion, call 120 or go to the nearest emergency department.',
    },
  },
  {
    id: 'hypertensive_crisis',
    kind: 'systolic',
    op: '>=',
    value: 180,
    urgency: 'urgent',
    title: { 'zh-CN': '血压 ≥ 180/110', en: 'Blood pressure ≥ 180/110' },
    guidance: {
      'zh-CN': '血压≥180/110 mmHg。请休息10分钟后复测；仍然很高，或伴胸痛、剧烈头痛、呼吸困难、视物模糊、肢体无力或说话不清，请立即拨打120 或前往最近的急诊。不要自行大量加服降压药。',
      en: 'Blood pressure ≥180/110 mmHg. Rest 10 minutes and recheck; if still this high, or with chest pain, severe headache, breathlessness, blurred vision, weakness or slurred speech, call 120 or go to the nearest emergency department. Do not take large extra doses of BP medicine.',
    },
  },
  {
    id: 'hypertensive_crisis',
    kind: 'diastolic',
    op: '>=',
    value: 110,
    urgency: 'urgent',
    title: { 'zh-CN': '血压 ≥ 180/110', en: 'Blood pressure ≥ 180/110' },
    guidance: {
      'zh-CN': '血压≥180/110 mmHg。请休息10分钟后复测；仍然很高，或伴胸痛、剧烈头痛、呼吸困难、视物模糊、肢体无力或说话不清，请立即拨打120 或前往最近的急诊。不要自行大量加服降压药。',
      en: 'Blood pressure ≥180/110 mmHg. Rest 10 minutes and recheck; if still this high, or with chest pain, severe headache, breathlessness, blurred vision, weakness or slurred speech, call 120 or go to the nearest emergency department. Do not take large extra doses of BP medicine.',
    },
  },
  {
    id: 'low_oxygen',
    kind: 'spo2',
    op: '<',
    value: 90,
    urgency: 'emergency',
    title: { 'zh-CN': '血氧 < 90%', en: 'Oxygen saturation < 90%' },
    guidance: { 'zh-CN': '血氧饱和度低于90%。请立即拨打120 或前往最近的急诊。', en: 'Oxygen saturation below 90%. Please call 120 now or go to the nearest emergency department.' },
  },
  {
    id: 'tachycardia',
    kind: 'heart_rate',
    op: '>',
    value: 130,
    urgency: 'urgent',
    title: { 'zh-CN': '心率过快（> 130）', en: 'Very fast heart rate (> 130)' },
    guidance: { 'zh-CN': '静息心率超过130次/分。请尽快就医；如伴胸痛、气短、头晕或晕厥，请立即拨打120 或前往最近的急诊。', en: 'Resting heart rate above 130. Seek care promptly; with chest pain, breathlessness, dizziness or fainting, call 120 or go to the nearest emergency department.' },
  },
  {
    id: 'bradycardia',
    kind: 'heart_rate',
    op: '<',
    value: 40,
    urgency: 'urgent',
    title: { 'zh-CN': '心率过慢（< 40）', en: 'Very slow heart rate (< 40)' },
    guidance: { 'zh-CN': '心率低于40次/分。请尽快就医；如伴头晕、黑矇或晕厥，请立即拨打120 或前往最近的急诊。', en: 'Heart rate below 40. Seek care promptly; with dizziness, blackouts or fainting, call 120 or go to the nearest emergency department.' },
  },
  {
    id: 'very_high_fever',
    kind: 'temperature',
    op: '>=',
    value: 40,
    urgency: 'urgent',
    title: { 'zh-CN': '高热 ≥ 40℃', en: 'Fever ≥ 40 °C' },
    guidance: { 'zh-CN': '体温≥40℃。请尽快就医；如伴意识改变、抽搐、颈部僵硬或皮疹，请立即拨打120 或前往最近的急诊。', en: 'Temperature ≥40 °C. Seek care promptly; with confusion, seizures, a stiff neck or rash, call 120 or go to the nearest emergency department.' },
  },
];

export const INFANT_FEVER = {
  id: 'infant_fever',
  urgency: 'emergency' as Urgency,
  title: { 'zh-CN': '3个月以下婴儿发热', en: 'Fever in a baby under 3 months' },
  guidance: {
    'zh-CN': '3个月以下婴儿体温≥38℃，无论精神如何都需要立即就医。请立即前往最近的急诊（儿科急诊），情况危急请拨打120。',
    en: 'A baby under 3 months with a temperature of 38 °C or more needs medical care immediately, however well they seem. Go to the nearest (paediatric) emergency department now, or call 120 if the baby seems very unwell.',
  },
};

/**
 * Synonym / colloquial table. Each concept groups the ways patients and staff say the
 * same thing, in both languages, so that 心口疼 finds an item written about 胸痛 and an
 * English "sugar is high" finds the zh-CN item on 高血糖. Concept ids double as the
 * vocabulary for item premises (conditions) and intents.
 *
 * Patterns use the PhraseMatcher syntax (normalised text, `…` = short gap).
 */
export type ConceptKind = 'symptom' | 'condition' | 'term' | 'intent';

export interface Concept {
  id: string;
  kind: ConceptKind;
  zh: string[];
  en: string[];
}

export const CONCEPTS: readonly Concept[] = [
  // ── symptoms ────────────────────────────────────────────────────────────
  { id: 'chest_pain', kind: 'symptom', zh: ['胸痛', '胸口痛', '胸口疼', '心口疼', '心口痛', '胸部疼痛', '胸前区疼痛', '胸…疼', '胸…痛', '心口…疼', '心口…痛', '心绞痛', '胸口压着', '胸口像压了石头'], en: ['chest pain', 'chest hurts', 'pain in my chest', 'chest pressure', 'angina'] },
  { id: 'chest_tightness', kind: 'symptom', zh: ['胸闷', '胸口闷', '胸口发紧', '胸口发闷', '憋闷'], en: ['chest tightness', 'tight chest', 'chest feels tight'] },
  { id: 'dyspnea', kind: 'symptom', zh: ['呼吸困难', '喘不上气', '喘不过气', '上不来气', '透不过气', '气短', '气促', '呼吸急促', '喘得厉害', '无法呼吸', '没法呼吸', '憋气', '憋得慌'], en: ['shortness of breath', 'short of breath', "can't breathe", 'cannot breathe', 'difficulty breathing', 'trouble breathing', 'breathless', 'dyspnea', 'dyspnoea'] },
  { id: 'diarrhea', kind: 'symptom', zh: ['腹泻', '拉肚子', '拉稀', '水样便', '稀便', '一直跑厕所'], en: ['diarrhea', 'diarrhoea', 'loose stools', 'the runs'] },
  { id: 'constipation', kind: 'symptom', zh: ['便秘', '大便干', '拉不出', '解不出大便', '几天没大便'], en: ['constipation', 'constipated'] },
  { id: 'fever', kind: 'symptom', zh: ['发烧', '发热', '高烧', '低烧', '烧到', '体温高', '体温…度'], en: ['fever', 'high temperature', 'feverish'] },
  { id: 'headache', kind: 'symptom', zh: ['头痛', '头疼', '脑袋疼', '脑壳疼', '偏头痛', '头…疼', '头…痛'], en: ['headache', 'head hurts', 'migraine'] },
  { id: 'dizziness', kind: 'symptom', zh: ['头晕', '头昏', '晕乎乎', '眩晕', '天旋地转', '发晕', '头…晕'], en: ['dizzy', 'dizziness', 'lightheaded', 'light-headed', 'vertigo'] },
  { id: 'nausea', kind: 'symptom', zh: ['恶心', '想吐', '呕吐', '反胃', '吐了'], en: ['nausea', 'nauseous', 'vomiting', 'vomited', 'throw up', 'threw up', 'feel sick'] },
  { id: 'abdominal_pain', kind: 'symptom', zh: ['肚子疼', '肚子痛', '腹痛', '胃疼', '胃痛', '肚子…疼', '肚子…痛', '胃…疼', '胃…痛'], en: ['stomach ache', 'stomachache', 'abdominal pain', 'tummy ache', 'belly pain', 'stomach hurts'] },
  { id: 'palpitations', kind: 'symptom', zh: ['心慌', '心悸', '心跳快', '心跳很快', '心跳加速', '心里发慌', '心怦怦跳', '心跳…快'], en: ['palpitations', 'heart racing', 'racing heart', 'heart pounding', 'heart is racing'] },
  { id: 'fatigue', kind: 'symptom', zh: ['乏力', '没劲', '没力气', '浑身无力', '疲劳', '很累', '特别累'], en: ['tired', 'fatigue', 'exhausted', 'no energy'] },
  { id: 'edema', kind: 'symptom', zh: ['水肿', '浮肿', '脚肿', '腿肿', '脚踝肿', '脚…肿', '腿…肿'], en: ['swelling', 'swollen ankles', 'swollen legs', 'edema', 'oedema'] },
  { id: 'cough', kind: 'symptom', zh: ['咳嗽', '干咳', '咳痰'], en: ['cough', 'coughing'] },
  { id: 'rash', kind: 'symptom', zh: ['皮疹', '起疹子', '出疹子', '红疹', '风团', '荨麻疹', '起红点', '身上痒', '全身痒'], en: ['rash', 'hives', 'itchy skin', 'itching'] },
  { id: 'wound_problem', kind: 'symptom', zh: ['伤口红肿', '伤口渗液', '伤口流脓', '伤口裂开', '伤口…红', '伤口…肿', '伤口…渗', '伤口…脓', '刀口…红', '刀口…肿', '刀口…渗', '刀口…脓', '伤口…流水', '刀口…流水'], en: ['wound is red', 'wound is swollen', 'wound oozing', 'oozing', 'pus', 'wound opened', 'incision is red'] },
  { id: 'wound_pain', kind: 'symptom', zh: ['伤口疼', '伤口痛', '刀口疼', '刀口痛', '伤口…疼', '刀口…疼', '伤口…痛', '刀口…痛'], en: ['wound pain', 'incision pain', 'wound hurts'] },
  { id: 'insomnia', kind: 'symptom', zh: ['失眠', '睡不着', '睡不好', '整夜睡不着'], en: ['insomnia', "can't sleep", 'cannot sleep', 'trouble sleeping'] },
  { id: 'sweating', kind: 'symptom', zh: ['出冷汗', '冒冷汗', '出虚汗', '大汗', '一身汗'], en: ['cold sweat', 'sweating', 'sweaty', 'clammy'] },
  { id: 'tremor', kind: 'symptom', zh: ['手抖', '发抖', '哆嗦', '手发抖'], en: ['shaky', 'shaking', 'trembling', 'tremor'] },
  { id: 'thirst', kind: 'symptom', zh: ['口渴', '口干', '多尿', '尿多', '喝水多', '老想喝水', '夜尿多'], en: ['thirsty', 'dry mouth', 'peeing a lot', 'frequent urination'] },
  { id: 'bleeding', kind: 'symptom', zh: ['出血', '流血', '血止不住', '牙龈出血', '鼻出血', '流鼻血', '黑便', '便血', '尿血'], en: ['bleeding', 'blood in stool', 'black stool', 'nosebleed', 'bleeding gums', 'blood in urine'] },
  { id: 'bruising', kind: 'symptom', zh: ['淤青', '瘀斑', '青一块紫一块', '皮下出血'], en: ['bruising', 'bruises', 'bruise easily'] },
  { id: 'blurred_vision', kind: 'symptom', zh: ['视物模糊', '看东西模糊', '看不清', '眼睛模糊', '眼花', '视力模糊'], en: ['blurred vision', 'blurry vision', 'vision is blurry'] },
  { id: 'numbness', kind: 'symptom', zh: ['麻木', '发麻', '手麻', '脚麻', '手脚麻'], en: ['numb', 'numbness', 'tingling', 'pins and needles'] },
  { id: 'muscle_pain', kind: 'symptom', zh: ['肌肉痛', '肌肉酸痛', '浑身酸痛', '肌肉疼', '腿疼', '腿痛'], en: ['muscle pain', 'muscle ache', 'aching muscles', 'leg pain'] },
  { id: 'dry_cough_acei', kind: 'symptom', zh: ['干咳', '嗓子痒咳'], en: ['dry cough', 'tickly cough'] },
  { id: 'low_mood', kind: 'symptom', zh: ['心情不好', '情绪低落', '抑郁', '高兴不起来', '压力大', '焦虑'], en: ['low mood', 'depressed', 'anxious', 'anxiety', 'stressed'] },

  // ── conditions (premise vocabulary) ─────────────────────────────────────
  { id: 'diabetes', kind: 'condition', zh: ['糖尿病', '糖友', '2型糖尿病', '二型糖尿病', '1型糖尿病', '一型糖尿病', '妊娠糖尿病', '糖尿'], en: ['diabetes', 'diabetic', 't2dm', 't1dm'] },
  { id: 'hypertension', kind: 'condition', zh: ['高血压', '血压高', '血压偏高', '血压…高', '血压飙', '血压升高'], en: ['hypertension', 'high blood pressure', 'high bp', 'bp is high'] },
  { id: 'hypotension', kind: 'condition', zh: ['低血压', '血压低', '血压偏低', '血压…低'], en: ['low blood pressure', 'hypotension', 'bp is low'] },
  { id: 'hyperglycemia', kind: 'condition', zh: ['高血糖', '血糖高', '血糖偏高', '血糖…高', '血糖飙', '血糖爆表', '血糖控制不好', '血糖降不下来'], en: ['high blood sugar', 'hyperglycemia', 'hyperglycaemia', 'high glucose', 'high sugar', 'sugar is high', 'sugars are high', 'sugar is up'] },
  { id: 'hypoglycemia', kind: 'condition', zh: ['低血糖', '血糖低', '血糖偏低', '血糖…低', '血糖太低', '血糖掉'], en: ['low blood sugar', 'hypoglycemia', 'hypoglycaemia', 'hypo', 'low glucose', 'sugar is low', 'low sugar'] },
  { id: 'heart_disease', kind: 'condition', zh: ['冠心病', '心脏病', '心梗', '心肌梗死', '心肌梗塞', '心衰', '心力衰竭', '放过支架', '搭过桥'], en: ['coronary heart disease', 'heart disease', 'heart attack', 'heart failure', 'stent'] },
  { id: 'atrial_fibrillation', kind: 'condition', zh: ['房颤', '心房颤动'], en: ['atrial fibrillation', 'afib', 'a-fib'] },
  { id: 'stroke_history', kind: 'condition', zh: ['中风', '脑梗', '脑卒中', '脑梗塞', '脑梗死', '脑出血'], en: ['stroke', 'tia'] },
  { id: 'kidney_disease', kind: 'condition', zh: ['肾病', '肾功能不全', '肾衰', '肾不好', '肌酐高', '透析'], en: ['kidney disease', 'ckd', 'renal failure', 'dialysis'] },
  { id: 'liver_disease', kind: 'condition', zh: ['肝病', '肝功能不好', '肝硬化', '转氨酶高', '乙肝'], en: ['liver disease', 'cirrhosis', 'hepatitis'] },
  { id: 'pregnancy', kind: 'condition', zh: ['怀孕', '孕妇', '孕期', '妊娠', '备孕', '哺乳期', '喂奶'], en: ['pregnant', 'pregnancy', 'breastfeeding'] },
  { id: 'asthma_copd', kind: 'condition', zh: ['哮喘', '慢阻肺', '慢性阻塞性肺'], en: ['asthma', 'copd'] },
  { id: 'hyperlipidemia', kind: 'condition', zh: ['高血脂', '血脂高', '胆固醇高', '血脂异常', '甘油三酯高'], en: ['high cholesterol', 'hyperlipidemia', 'hyperlipidaemia', 'cholesterol is high'] },
  { id: 'gout', kind: 'condition', zh: ['痛风', '尿酸高', '高尿酸'], en: ['gout', 'high uric acid'] },
  { id: 'surgery', kind: 'condition', zh: ['手术', '开刀', '术后', '做完手术', '动手术'], en: ['surgery', 'operation', 'post-op', 'postoperative'] },
  { id: 'depression', kind: 'condition', zh: ['抑郁症', '焦虑症'], en: ['depression', 'anxiety disorder'] },
  { id: 'peptic_ulcer', kind: 'condition', zh: ['胃溃疡', '十二指肠溃疡', '胃出血', '消化道出血'], en: ['stomach ulcer', 'peptic ulcer', 'gi bleed'] },

  // ── measurement terms ───────────────────────────────────────────────────
  { id: 'glucose', kind: 'term', zh: ['血糖', '测血糖', '指尖血', '血糖仪', '空腹血糖', '餐后血糖', '糖化'], en: ['glucose', 'blood sugar', 'sugar', 'sugars', 'bg', 'glucometer', 'hba1c', 'a1c'] },
  { id: 'blood_pressure', kind: 'term', zh: ['血压', '量血压', '血压计', '高压', '低压'], en: ['blood pressure', 'bp'] },
  { id: 'heart_rate', kind: 'term', zh: ['心率', '心跳', '脉搏'], en: ['heart rate', 'pulse'] },
  { id: 'medicine', kind: 'term', zh: ['药', '药物', '用药', '吃药', '服药'], en: ['medicine', 'medication', 'meds', 'drug', 'pill', 'tablet'] },
  { id: 'alcohol', kind: 'term', zh: ['喝酒', '饮酒', '白酒', '啤酒', '红酒', '酒'], en: ['alcohol', 'drinking', 'beer', 'wine', 'liquor'] },
  { id: 'injection', kind: 'term', zh: ['打针', '注射', '针头', '打胰岛素', '胰岛素笔'], en: ['injection', 'inject', 'needle', 'insulin pen'] },
  { id: 'contrast', kind: 'term', zh: ['造影剂', '增强ct', '增强CT', '造影', '碘剂', '冠脉造影'], en: ['contrast', 'contrast dye', 'ct with contrast', 'angiogram'] },

  // ── intents (administrative and common questions) ───────────────────────
  { id: 'intent_registration', kind: 'intent', zh: ['挂号', '挂个号', '预约挂号', '号源', '专家号', '普通号', '约号', '网上挂号', '挂…号', '加号', '抢号'], en: ['book an appointment', 'make an appointment', 'registration', 'register', 'appointment'] },
  { id: 'intent_reschedule', kind: 'intent', zh: ['改期', '改约', '改时间', '换个时间', '换时间', '取消预约', '退号', '延期', '推迟', '改到', '约…改'], en: ['reschedule', 'change my appointment', 'cancel my appointment', 'cancel the appointment', 'postpone', 'move my appointment'] },
  { id: 'intent_report', kind: 'intent', zh: ['报告', '化验单', '检查结果', '化验结果', '出结果', '拿结果', '取报告', '查报告', '体检报告', '检验报告', '片子'], en: ['report', 'results', 'test results', 'lab results', 'scan results'] },
  { id: 'intent_insurance', kind: 'intent', zh: ['医保', '报销', '医保卡', '社保卡', '异地就医', '新农合', '门特', '门慢', '慢病卡', '商业保险', '医保码', '医保电子凭证'], en: ['insurance', 'medical insurance', 'reimburse', 'reimbursement', 'claim'] },
  { id: 'intent_payment', kind: 'intent', zh: ['缴费', '交费', '付款', '付费', '发票', '退费', '费用', '多少钱', '收费', '押金', '预交金'], en: ['pay', 'payment', 'bill', 'invoice', 'refund', 'cost', 'how much', 'deposit'] },
  { id: 'intent_admission', kind: 'intent', zh: ['住院', '入院', '办住院', '床位', '出院', '陪护', '探视', '探望', '陪床'], en: ['admission', 'admitted', 'hospital bed', 'discharge', 'visiting hours', 'inpatient'] },
  { id: 'intent_records', kind: 'intent', zh: ['病历复印', '复印病历', '病历', '病案', '病案室', '病历本', '诊断证明', '出院小结'], en: ['medical records', 'copy of records', 'medical certificate', 'discharge summary'] },
  { id: 'intent_transport', kind: 'intent', zh: ['停车', '停车场', '车位', '怎么走', '地铁', '公交', '交通', '坐车', '路线', '怎么去', '开车'], en: ['parking', 'park', 'directions', 'subway', 'metro', 'bus', 'how to get', 'drive'] },
  { id: 'intent_hours', kind: 'intent', zh: ['几点', '上班时间', '门诊时间', '周末', '节假日', '开门', '下班', '营业时间', '夜间门诊'], en: ['opening hours', 'what time', 'open on', 'weekend', 'holiday'] },
  { id: 'intent_dosage', kind: 'intent', zh: ['怎么吃', '吃多少', '剂量', '几片', '几粒', '用量', '一天几次', '饭前', '饭后', '加量', '减量', '怎么服用', '什么时候吃'], en: ['how much', 'dose', 'dosage', 'how many tablets', 'how often', 'before meals', 'after meals', 'when to take'] },
  { id: 'intent_missed_dose', kind: 'intent', zh: ['漏服', '忘记吃', '忘了吃', '漏吃', '忘打', '漏打', '忘记打', '少吃了一次', '没吃药'], en: ['missed a dose', 'forgot to take', 'missed dose', 'forgot my', 'missed my'] },
  { id: 'intent_side_effect', kind: 'intent', zh: ['副作用', '不良反应', '吃了…难受', '吃了…不舒服', '吃完…不舒服', '用药后'], en: ['side effect', 'side effects', 'adverse reaction', 'reaction to'] },
  { id: 'intent_refill', kind: 'intent', zh: ['开药', '续方', '配药', '拿药', '药吃完了', '取药', '长处方', '药快没了'], en: ['refill', 'prescription renewal', 'repeat prescription', 'run out of', 'ran out of'] },
  { id: 'intent_diet', kind: 'intent', zh: ['能吃', '饮食', '吃什么', '忌口', '水果', '主食', '能不能吃'], en: ['diet', 'what can i eat', 'food', 'fruit'] },
  { id: 'intent_exercise', kind: 'intent', zh: ['运动', '锻炼', '散步', '走路', '跑步', '游泳'], en: ['exercise', 'walking', 'workout', 'running', 'swimming'] },
  { id: 'intent_followup', kind: 'intent', zh: ['复查', '复诊', '随访', '拆线', '换药'], en: ['follow-up', 'follow up', 'check-up', 'stitches', 'dressing change'] },
  { id: 'intent_online', kind: 'intent', zh: ['线上问诊', '互联网医院', '视频问诊', '在线咨询', '网上问诊'], en: ['online consultation', 'telemedicine', 'video consultation'] },
  { id: 'intent_bath', kind: 'intent', zh: ['洗澡', '沾水', '淋浴'], en: ['shower', 'bath', 'get it wet'] },
];

export const CONCEPT_IDS: ReadonlySet<string> = new Set(CONCEPTS.map((c) => c.id));
export const INTENT_IDS: readonly string[] = CONCEPTS.filter((c) => c.kind === 'intent').map((c) => c.id);

/**
 * Drug-name lexicon: Chinese generic names, common brand names on the mainland market,
 * and English generic/brand names, each mapped to one canonical id and its classes.
 * Interaction rules and item premises refer to either a drug id or a class id.
 *
 * Written by the Lantern team from public labelling; lists names, not doses.
 */
export interface DrugEntry {
  id: string;
  classes: string[];
  zh: string[];
  en: string[];
  /** Display name (zh-CN, en). */
  label: [string, string];
}

const d = (id: string, label: [string, string], classes: string[], zh: string[], en: string[]): DrugEntry => ({ id, label, classes, zh, en });

export const DRUGS: readonly DrugEntry[] = [
  // analgesics / antiplatelets / anticoagulants
  d('aspirin', ['阿司匹林', 'aspirin'], ['antiplatelet', 'salicylate'], ['阿司匹林', '阿斯匹林', '拜阿司匹灵', '拜阿司匹林', '阿司匹林肠溶片'], ['aspirin', 'bayaspirin', 'asa']),
  d('ibuprofen', ['布洛芬', 'ibuprofen'], ['nsaid'], ['布洛芬', '芬必得', '美林'], ['ibuprofen', 'advil', 'motrin', 'nurofen']),
  d('diclofenac', ['双氯芬酸', 'diclofenac'], ['nsaid'], ['双氯芬酸', '扶他林', '戴芬'], ['diclofenac', 'voltaren']),
  d('naproxen', ['萘普生', 'naproxen'], ['nsaid'], ['萘普生'], ['naproxen', 'aleve']),
  d('celecoxib', ['塞来昔布', 'celecoxib'], ['nsaid'], ['塞来昔布', '西乐葆'], ['celecoxib', 'celebrex']),
  d('meloxicam', ['美洛昔康', 'meloxicam'], ['nsaid'], ['美洛昔康', '莫比可'], ['meloxicam', 'mobic']),
  d('loxoprofen', ['洛索洛芬', 'loxoprofen'], ['nsaid'], ['洛索洛芬', '乐松'], ['loxoprofen']),
  d('indometacin', ['吲哚美辛', 'indometacin'], ['nsaid'], ['吲哚美辛', '消炎痛'], ['indometacin', 'indomethacin']),
  d('acetaminophen', ['对乙酰氨基酚', 'paracetamol'], ['analgesic'], ['对乙酰氨基酚', '扑热息痛', '泰诺林', '必理通', '百服宁'], ['acetaminophen', 'paracetamol', 'tylenol', 'panadol']),
  d('warfarin', ['华法林', 'warfarin'], ['anticoagulant', 'vka'], ['华法林', '华法令'], ['warfarin', 'coumadin']),
  d('rivaroxaban', ['利伐沙班', 'rivaroxaban'], ['anticoagulant', 'doac'], ['利伐沙班', '拜瑞妥'], ['rivaroxaban', 'xarelto']),
  d('dabigatran', ['达比加群', 'dabigatran'], ['anticoagulant', 'doac'], ['达比加群', '泰毕全'], ['dabigatran', 'pradaxa']),
  d('clopidogrel', ['氯吡格雷', 'clopidogrel'], ['antiplatelet'], ['氯吡格雷', '波立维', '泰嘉'], ['clopidogrel', 'plavix']),
  d('ticagrelor', ['替格瑞洛', 'ticagrelor'], ['antiplatelet'], ['替格瑞洛', '倍林达'], ['ticagrelor', 'brilinta']),
  // diabetes
  d('metformin', ['二甲双胍', 'metformin'], ['biguanide'], ['二甲双胍', '格华止', '美迪康', '双胍'], ['metformin', 'glucophage']),
  d('glimepiride', ['格列美脲', 'glimepiride'], ['sulfonylurea'], ['格列美脲', '亚莫利'], ['glimepiride', 'amaryl']),
  d('gliclazide', ['格列齐特', 'gliclazide'], ['sulfonylurea'], ['格列齐特', '达美康'], ['gliclazide', 'diamicron']),
  d('glipizide', ['格列吡嗪', 'glipizide'], ['sulfonylurea'], ['格列吡嗪', '瑞易宁', '美吡达'], ['glipizide']),
  d('glibenclamide', ['格列本脲', 'glibenclamide'], ['sulfonylurea'], ['格列本脲', '优降糖'], ['glibenclamide', 'glyburide']),
  d('acarbose', ['阿卡波糖', 'acarbose'], ['alpha_glucosidase_inhibitor'], ['阿卡波糖', '拜唐苹', '卡博平'], ['acarbose', 'glucobay']),
  d('insulin', ['胰岛素', 'insulin'], ['insulin'], ['胰岛素', '诺和灵', '诺和锐', '优泌林', '优泌乐', '来得时', '长秀霖', '甘舒霖', '诺和达'], ['insulin', 'lantus', 'novorapid', 'humalog', 'levemir', 'tresiba', 'novolin']),
  d('sitagliptin', ['西格列汀', 'sitagliptin'], ['dpp4_inhibitor'], ['西格列汀', '捷诺维'], ['sitagliptin', 'januvia']),
  d('dapagliflozin', ['达格列净', 'dapagliflozin'], ['sglt2_inhibitor'], ['达格列净', '安达唐'], ['dapagliflozin', 'forxiga', 'farxiga']),
  d('empagliflozin', ['恩格列净', 'empagliflozin'], ['sglt2_inhibitor'], ['恩格列净', '欧唐静'], ['empagliflozin', 'jardiance']),
  d('liraglutide', ['利拉鲁肽', 'liraglutide'], ['glp1_agonist'], ['利拉鲁肽', '诺和力'], ['liraglutide', 'victoza']),
  d('semaglutide', ['司美格鲁肽', 'semaglutide'], ['glp1_agonist'], ['司美格鲁肽', '诺和泰', '诺和盈'], ['semaglutide', 'ozempic', 'wegovy']),
  // blood pressure / heart
  d('amlodipine', ['氨氯地平', 'amlodipine'], ['ccb_dhp'], ['氨氯地平', '络活喜'], ['amlodipine', 'norvasc']),
  d('nifedipine', ['硝苯地平', 'nifedipine'], ['ccb_dhp'], ['硝苯地平', '拜新同', '心痛定'], ['nifedipine', 'adalat']),
  d('felodipine', ['非洛地平', 'felodipine'], ['ccb_dhp'], ['非洛地平', '波依定'], ['felodipine', 'plendil']),
  d('verapamil', ['维拉帕米', 'verapamil'], ['ccb_nondhp'], ['维拉帕米', '异搏定'], ['verapamil']),
  d('diltiazem', ['地尔硫䓬', 'diltiazem'], ['ccb_nondhp'], ['地尔硫䓬', '地尔硫卓', '合心爽'], ['diltiazem']),
  d('enalapril', ['依那普利', 'enalapril'], ['acei'], ['依那普利', '悦宁定'], ['enalapril']),
  d('benazepril', ['贝那普利', 'benazepril'], ['acei'], ['贝那普利', '洛汀新'], ['benazepril', 'lotensin']),
  d('perindopril', ['培哚普利', 'perindopril'], ['acei'], ['培哚普利', '雅施达'], ['perindopril']),
  d('captopril', ['卡托普利', 'captopril'], ['acei'], ['卡托普利', '开博通'], ['captopril']),
  d('valsartan', ['缬沙坦', 'valsartan'], ['arb'], ['缬沙坦', '代文'], ['valsartan', 'diovan']),
  d('losartan', ['氯沙坦', 'losartan'], ['arb'], ['氯沙坦', '科素亚'], ['losartan', 'cozaar']),
  d('irbesartan', ['厄贝沙坦', 'irbesartan'], ['arb'], ['厄贝沙坦', '安博维'], ['irbesartan', 'avapro']),
  d('telmisartan', ['替米沙坦', 'telmisartan'], ['arb'], ['替米沙坦', '美卡素'], ['telmisartan', 'micardis']),
  d('sacubitril_valsartan', ['沙库巴曲缬沙坦', 'sacubitril/valsartan'], ['arb', 'arni'], ['沙库巴曲缬沙坦', '诺欣妥'], ['sacubitril', 'entresto']),
  d('spironolactone', ['螺内酯', 'spironolactone'], ['k_sparing_diuretic'], ['螺内酯', '安体舒通'], ['spironolactone', 'aldactone']),
  d('triamterene', ['氨苯蝶啶', 'triamterene'], ['k_sparing_diuretic'], ['氨苯蝶啶'], ['triamterene']),
  d('amiloride', ['阿米洛利', 'amiloride'], ['k_sparing_diuretic'], ['阿米洛利'], ['amiloride']),
  d('eplerenone', ['依普利酮', 'eplerenone'], ['k_sparing_diuretic'], ['依普利酮'], ['eplerenone']),
  d('hydrochlorothiazide', ['氢氯噻嗪', 'hydrochlorothiazide'], ['thiazide'], ['氢氯噻嗪', '双氢克尿噻'], ['hydrochlorothiazide', 'hctz']),
  d('indapamide', ['吲达帕胺', 'indapamide'], ['thiazide'], ['吲达帕胺', '纳催离'], ['indapamide']),
  d('furosemide', ['呋塞米', 'furosemide'], ['loop_diuretic'], ['呋塞米', '速尿'], ['furosemide', 'lasix']),
  d('potassium', ['氯化钾', 'potassium chloride'], ['potassium_supplement'], ['氯化钾', '补钾', '枸橼酸钾', '钾片'], ['potassium chloride', 'potassium supplement', 'k-dur']),
  d('metoprolol', ['美托洛尔', 'metoprolol'], ['beta_blocker'], ['美托洛尔', '倍他乐克'], ['metoprolol', 'betaloc']),
  d('bisoprolol', ['比索洛尔', 'bisoprolol'], ['beta_blocker'], ['比索洛尔', '康忻', '博苏'], ['bisoprolol', 'concor']),
  d('propranolol', ['普萘洛尔', 'propranolol'], ['beta_blocker'], ['普萘洛尔', '心得安'], ['propranolol']),
  d('carvedilol', ['卡维地洛', 'carvedilol'], ['beta_blocker'], ['卡维地洛', '络德'], ['carvedilol']),
  d('amiodarone', ['胺碘酮', 'amiodarone'], ['antiarrhythmic'], ['胺碘酮', '可达龙'], ['amiodarone', 'cordarone']),
  d('digoxin', ['地高辛', 'digoxin'], ['cardiac_glycoside'], ['地高辛'], ['digoxin', 'lanoxin']),
  d('isosorbide', ['硝酸异山梨酯/单硝酸异山梨酯', 'isosorbide nitrate'], ['nitrate'], ['硝酸异山梨酯', '单硝酸异山梨酯', '消心痛', '欣康', '依姆多'], ['isosorbide mononitrate', 'isosorbide dinitrate', 'imdur']),
  d('nitroglycerin', ['硝酸甘油', 'nitroglycerin'], ['nitrate'], ['硝酸甘油'], ['nitroglycerin', 'nitroglycerine', 'gtn']),
  d('atorvastatin', ['阿托伐他汀', 'atorvastatin'], ['statin', 'statin_cyp3a4'], ['阿托伐他汀', '立普妥'], ['atorvastatin', 'lipitor']),
  d('simvastatin', ['辛伐他汀', 'simvastatin'], ['statin', 'statin_cyp3a4'], ['辛伐他汀', '舒降之'], ['simvastatin', 'zocor']),
  d('rosuvastatin', ['瑞舒伐他汀', 'rosuvastatin'], ['statin'], ['瑞舒伐他汀'], ['rosuvastatin', 'crestor']),
  d('pravastatin', ['普伐他汀', 'pravastatin'], ['statin'], ['普伐他汀', '普拉固'], ['pravastatin']),
  // anti-infectives
  d('clarithromycin', ['克拉霉素', 'clarithromycin'], ['macrolide_strong'], ['克拉霉素'], ['clarithromycin', 'biaxin']),
  d('erythromycin', ['红霉素', 'erythromycin'], ['macrolide_strong'], ['红霉素'], ['erythromycin']),
  d('azithromycin', ['阿奇霉素', 'azithromycin'], ['macrolide'], ['阿奇霉素', '希舒美'], ['azithromycin', 'zithromax']),
  d('fluconazole', ['氟康唑', 'fluconazole'], ['azole_antifungal'], ['氟康唑', '大扶康'], ['fluconazole', 'diflucan']),
  d('itraconazole', ['伊曲康唑', 'itraconazole'], ['azole_antifungal', 'strong_cyp3a4_inhibitor'], ['伊曲康唑', '斯皮仁诺'], ['itraconazole', 'sporanox']),
  d('metronidazole', ['甲硝唑', 'metronidazole'], ['nitroimidazole'], ['甲硝唑', '灭滴灵'], ['metronidazole', 'flagyl']),
  d('tinidazole', ['替硝唑', 'tinidazole'], ['nitroimidazole'], ['替硝唑'], ['tinidazole']),
  d('cephalosporin', ['头孢类抗生素', 'cephalosporin'], ['cephalosporin'], ['头孢', '头孢克肟', '头孢呋辛', '头孢哌酮', '头孢曲松', '头孢拉定', '头孢克洛', '头孢地尼', '头孢氨苄'], ['cephalosporin', 'cefuroxime', 'ceftriaxone', 'cefixime', 'cefoperazone', 'cefaclor', 'cephalexin']),
  d('ciprofloxacin', ['环丙沙星', 'ciprofloxacin'], ['fluoroquinolone'], ['环丙沙星'], ['ciprofloxacin', 'cipro']),
  d('levofloxacin', ['左氧氟沙星', 'levofloxacin'], ['fluoroquinolone'], ['左氧氟沙星', '可乐必妥', '左氧'], ['levofloxacin', 'levaquin']),
  d('moxifloxacin', ['莫西沙星', 'moxifloxacin'], ['fluoroquinolone'], ['莫西沙星', '拜复乐'], ['moxifloxacin', 'avelox']),
  d('doxycycline', ['多西环素', 'doxycycline'], ['tetracycline'], ['多西环素', '强力霉素'], ['doxycycline']),
  d('minocycline', ['米诺环素', 'minocycline'], ['tetracycline'], ['米诺环素', '美满霉素'], ['minocycline']),
  d('rifampicin', ['利福平', 'rifampicin'], ['cyp_inducer'], ['利福平'], ['rifampicin', 'rifampin']),
  // GI / minerals
  d('omeprazole', ['奥美拉唑', 'omeprazole'], ['ppi', 'ppi_cyp2c19'], ['奥美拉唑', '洛赛克'], ['omeprazole', 'losec', 'prilosec']),
  d('esomeprazole', ['艾司奥美拉唑', 'esomeprazole'], ['ppi', 'ppi_cyp2c19'], ['艾司奥美拉唑', '埃索美拉唑', '耐信'], ['esomeprazole', 'nexium']),
  d('pantoprazole', ['泮托拉唑', 'pantoprazole'], ['ppi'], ['泮托拉唑', '潘妥洛克'], ['pantoprazole']),
  d('calcium', ['钙剂', 'calcium'], ['polyvalent_cation'], ['钙片', '碳酸钙', '钙尔奇', '迪巧', '葡萄糖酸钙', '补钙'], ['calcium carbonate', 'calcium supplement', 'caltrate']),
  d('iron', ['铁剂', 'iron'], ['polyvalent_cation'], ['硫酸亚铁', '琥珀酸亚铁', '速力菲', '补铁', '铁剂', '多糖铁复合物'], ['ferrous sulfate', 'iron tablets', 'iron supplement']),
  d('antacid', ['抗酸药', 'antacid'], ['polyvalent_cation'], ['铝碳酸镁', '达喜', '氢氧化铝', '胃舒平', '铝镁'], ['antacid', 'maalox', 'gaviscon', 'tums']),
  // nervous system
  d('sertraline', ['舍曲林', 'sertraline'], ['ssri', 'serotonergic'], ['舍曲林', '左洛复'], ['sertraline', 'zoloft']),
  d('fluoxetine', ['氟西汀', 'fluoxetine'], ['ssri', 'serotonergic'], ['氟西汀', '百忧解'], ['fluoxetine', 'prozac']),
  d('paroxetine', ['帕罗西汀', 'paroxetine'], ['ssri', 'serotonergic'], ['帕罗西汀', '赛乐特'], ['paroxetine', 'paxil', 'seroxat']),
  d('escitalopram', ['艾司西酞普兰', 'escitalopram'], ['ssri', 'serotonergic'], ['艾司西酞普兰', '来士普'], ['escitalopram', 'lexapro']),
  d('citalopram', ['西酞普兰', 'citalopram'], ['ssri', 'serotonergic'], ['西酞普兰'], ['citalopram', 'celexa']),
  d('venlafaxine', ['文拉法辛', 'venlafaxine'], ['snri', 'serotonergic'], ['文拉法辛', '怡诺思'], ['venlafaxine', 'effexor']),
  d('duloxetine', ['度洛西汀', 'duloxetine'], ['snri', 'serotonergic'], ['度洛西汀', '欣百达'], ['duloxetine', 'cymbalta']),
  d('maoi', ['单胺氧化酶抑制剂', 'MAO inhibitor'], ['maoi', 'serotonergic'], ['司来吉兰', '吗氯贝胺', '雷沙吉兰'], ['selegiline', 'moclobemide', 'phenelzine', 'rasagiline', 'maoi']),
  d('tramadol', ['曲马多', 'tramadol'], ['opioid', 'serotonergic'], ['曲马多', '奇曼丁', '舒敏'], ['tramadol', 'ultram']),
  d('codeine', ['可待因', 'codeine'], ['opioid'], ['可待因', '氨酚待因'], ['codeine']),
  d('oxycodone', ['羟考酮', 'oxycodone'], ['opioid'], ['羟考酮', '奥施康定'], ['oxycodone', 'oxycontin']),
  d('morphine', ['吗啡', 'morphine'], ['opioid'], ['吗啡', '美施康定'], ['morphine']),
  d('benzodiazepine', ['苯二氮䓬类', 'benzodiazepine'], ['benzodiazepine', 'sedative'], ['地西泮', '安定片', '阿普唑仑', '佳静安定', '艾司唑仑', '舒乐安定', '劳拉西泮', '氯硝西泮'], ['diazepam', 'valium', 'alprazolam', 'xanax', 'lorazepam', 'clonazepam', 'estazolam']),
  d('zolpidem', ['唑吡坦', 'zolpidem'], ['sedative'], ['唑吡坦', '思诺思'], ['zolpidem', 'ambien', 'stilnox']),
  d('lithium', ['碳酸锂', 'lithium'], ['lithium'], ['碳酸锂'], ['lithium']),
  // others
  d('methotrexate', ['甲氨蝶呤', 'methotrexate'], ['methotrexate'], ['甲氨蝶呤'], ['methotrexate']),
  d('theophylline', ['茶碱', 'theophylline'], ['xanthine'], ['茶碱', '氨茶碱', '茶碱缓释片'], ['theophylline', 'aminophylline']),
  d('allopurinol', ['别嘌醇', 'allopurinol'], ['xanthine_oxidase_inhibitor'], ['别嘌醇', '别嘌呤醇'], ['allopurinol', 'zyloprim']),
  d('azathioprine', ['硫唑嘌呤', 'azathioprine'], ['thiopurine'], ['硫唑嘌呤', '依木兰'], ['azathioprine', 'imuran']),
  d('levothyroxine', ['左甲状腺素', 'levothyroxine'], ['thyroid_hormone'], ['左甲状腺素', '优甲乐', '雷替斯'], ['levothyroxine', 'euthyrox', 'synthroid']),
  d('oral_contraceptive', ['口服避孕药', 'oral contraceptive'], ['hormonal_contraceptive'], ['避孕药', '优思明', '妈富隆', '达英-35', '达英35'], ['oral contraceptive', 'birth control pill', 'the pill', 'yasmin']),
  d('corticosteroid', ['糖皮质激素', 'corticosteroid'], ['corticosteroid'], ['泼尼松', '强的松', '甲泼尼龙', '美卓乐', '地塞米松', '激素药'], ['prednisone', 'prednisolone', 'methylprednisolone', 'dexamethasone', 'steroids']),
  d('colchicine', ['秋水仙碱', 'colchicine'], ['colchicine'], ['秋水仙碱'], ['colchicine']),
  d('tamsulosin', ['坦索罗辛', 'tamsulosin'], ['alpha_blocker'], ['坦索罗辛', '坦洛新', '哈乐'], ['tamsulosin', 'flomax']),
  d('doxazosin', ['多沙唑嗪', 'doxazosin'], ['alpha_blocker'], ['多沙唑嗪', '可多华'], ['doxazosin', 'cardura']),
  d('sildenafil', ['西地那非', 'sildenafil'], ['pde5_inhibitor'], ['西地那非', '万艾可', '伟哥', '金戈'], ['sildenafil', 'viagra', 'revatio']),
  d('tadalafil', ['他达拉非', 'tadalafil'], ['pde5_inhibitor'], ['他达拉非', '希爱力'], ['tadalafil', 'cialis']),
  d('iodinated_contrast', ['碘造影剂', 'iodinated contrast'], ['iodinated_contrast'], ['造影剂', '碘造影剂', '碘海醇', '欧乃派克', '碘帕醇', '碘克沙醇', '威视派克', '增强ct', '冠脉造影', '碘剂'], ['iodinated contrast', 'contrast dye', 'contrast agent', 'iohexol', 'omnipaque', 'iodixanol', 'visipaque', 'ct with contrast', 'contrast ct']),
  // not medicines, but they interact
  d('alcohol', ['酒精饮料', 'alcohol'], ['alcohol'], ['喝…酒', '饮酒', '白酒', '啤酒', '红酒', '黄酒', '应酬喝', '酒局'], ['alcohol', 'beer', 'wine', 'liquor', 'whisky', 'vodka', 'drinks']),
  d('grapefruit', ['西柚', 'grapefruit'], ['grapefruit'], ['西柚', '葡萄柚'], ['grapefruit']),
];

export const DRUG_IDS: ReadonlySet<string> = new Set(DRUGS.map((x) => x.id));
export const DRUG_CLASSES: ReadonlySet<string> = new Set(DRUGS.flatMap((x) => x.classes));
/** Valid references in rules and premises: a drug id or a class id. */
export const isDrugRef = (ref: string): boolean => DRUG_IDS.has(ref) || DRUG_CLASSES.has(ref);
export const drugById: ReadonlyMap<string, DrugEntry> = new Map(DRUGS.map((x) => [x.id, x]));

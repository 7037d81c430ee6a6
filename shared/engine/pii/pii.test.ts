import { describe, expect, it } from 'vitest';
import { findPii } from './detect';
import { maskPii } from './mask';
import { isValidResidentId, luhn } from './validators';

// Built with the GB 11643 algorithm (fictitious people).
function makeId(body17: string): string {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...body17].reduce((s, c, i) => s + Number(c) * w[i]!, 0);
  return body17 + '10X98765432'[sum % 11];
}
const ID = makeId('11010519491231002');
const CARD = '6222020200112233440'.slice(0, 16);
const card = (() => {
  for (let d = 0; d < 10; d++) if (luhn(CARD.slice(0, 15) + d)) return CARD.slice(0, 15) + d;
  return '';
})();

describe('validators', () => {
  it('validates resident ids with ISO 7064 MOD 11-2 and a real date', () => {
    expect(isValidResidentId(ID)).toBe(true);
    expect(isValidResidentId(ID.slice(0, 17) + (ID[17] === '1' ? '2' : '1'))).toBe(false);
    expect(isValidResidentId(makeId('11010519491331002'))).toBe(false); // month 13
  });
  it('property (exhaustive): changing any single digit breaks the checksum', () => {
    for (let pos = 0; pos < 17; pos++) {
      for (let delta = 1; delta <= 9; delta++) {
        const broken = ID.slice(0, pos) + ((Number(ID[pos]) + delta) % 10) + ID.slice(pos + 1);
        expect(isValidResidentId(broken), broken).toBe(false);
      }
    }
  });
  it('luhn', () => {
    expect(luhn('4111111111111111')).toBe(true);
    expect(luhn('4111111111111112')).toBe(false);
  });
});

describe('masking', () => {
  it('masks a mobile with a hint', () => {
    expect(maskPii('我的电话是13812345678，请回电').text).toBe('我的电话是138****5678，请回电');
    expect(maskPii('call me on +86 138-1234-5678').text).toBe('call me on +86 138-****-5678');
  });
  it('masks only checksum-valid ids', () => {
    expect(maskPii(`身份证${ID}`).text).toBe(`身份证110***********${ID.slice(-4)}`);
    const bad = ID.slice(0, 17) + (ID[17] === '1' ? '2' : '1');
    expect(maskPii(`单号${bad}`).text).toBe(`单号${bad}`);
  });
  it('masks Luhn-valid bank cards and leaves other long numbers', () => {
    expect(maskPii(`卡号 ${card}`).text).toBe(`卡号 ************${card.slice(-4)}`);
    expect(maskPii('订单号 4111111111111112').text).toBe('订单号 4111111111111112');
  });
  it('masks e-mails, addresses and known names', () => {
    expect(maskPii('邮箱 zhang.wei@example.com').text).toBe('邮箱 z***@example.com');
    expect(maskPii('我住在北京市朝阳区建国路88号3单元502室，送药到家').text).toBe('我住在北京市朝阳区****，送药到家');
    expect(maskPii('地址：广东省广州市天河区体育西路123号', {}).text).toBe('地址：广东省广州市天河区****');
    expect(maskPii('张伟和欧阳娜娜都来了', { names: ['张伟', '欧阳娜娜'] }).text).toBe('张*和欧阳**都来了');
    expect(maskPii('Dear John Smith,', { names: ['John Smith'] }).text).toBe('Dear J*** S****,');
  });
  it('hint:false masks everything (logs)', () => {
    expect(maskPii('13812345678', { hint: false }).text).toBe('***********');
  });
  it('leaves ordinary medical numbers alone', () => {
    const t = '血压150/95，血糖7.8，挂号序号1024，住院号20240315001';
    expect(maskPii(t).text).toBe(t);
    expect(findPii('坐公交到中山路')).toEqual([]);
  });
});

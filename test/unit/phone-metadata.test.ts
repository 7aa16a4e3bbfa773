/**
 * Which libphonenumber metadata set validates the numbers SMS enrolment accepts. SMS goes to mobile
 * numbers, so the question is whether a smaller set agrees with the full one ('max') on every
 * number 'max' calls mobile and on every number 'max' refuses. The table: libphonenumber's own
 * mobile example number of every region, and five variants of each (a digit short, a digit long,
 * the first digit changed to 0, 9 and 1: a mix of invalid numbers and other number types), plus
 * known fixed-line and premium-rate numbers.
 * - 'mobile' agrees on all of them; where it differs from 'max', 'max' accepts a number that is not
 *   a mobile one (fixed line, premium rate, VoIP, UAN), which SMS cannot reach or must not pay
 *   for (SMS pumping to premium numbers). shared/factors/sms/phone.ts therefore uses 'mobile'.
 * - 'min' checks lengths only: it accepts numbers 'max' refuses, so it is not used.
 */
import examples from 'libphonenumber-js/examples.mobile.json';
import * as max from 'libphonenumber-js/max';
import * as mobile from 'libphonenumber-js/mobile';
import * as min from 'libphonenumber-js/min';
import type { CountryCode } from 'libphonenumber-js/max';
import { parsePhone } from '../../shared/factors/sms/phone';

type Library = typeof max | typeof mobile | typeof min;

const accepts = (lib: Library, countryCode: string, national: string) => {
  const parsed = lib.parsePhoneNumberFromString(`+${countryCode}${national}`);
  return !!parsed && parsed.countryCallingCode === countryCode && parsed.isValid();
};

interface Row {
  region: string;
  variant: string;
  countryCode: string;
  national: string;
  /** What the full metadata says: 'invalid' or the number's type. */
  max: string;
}

const variants = (national: string): Record<string, string> => ({
  example: national,
  short: national.slice(0, -1),
  long: `${national}5`,
  first0: `0${national.slice(1)}`,
  first9: `9${national.slice(1)}`,
  first1: `1${national.slice(1)}`,
});

const rows: Row[] = Object.entries(examples as Record<string, string>).flatMap(([region, example]) => {
  const countryCode = max.getCountryCallingCode(region as CountryCode);
  return Object.entries(variants(example)).map(([variant, national]) => {
    const parsed = accepts(max, countryCode, national) ? max.parsePhoneNumberFromString(`+${countryCode}${national}`) : undefined;
    return { region, variant, countryCode, national, max: parsed ? (parsed.getType() ?? 'unknown') : 'invalid' };
  });
});

/** Numbers of other types, from libphonenumber's own example numbers (checked below against 'max'). */
const otherTypes: Array<{ region: string; countryCode: string; national: string; type: string }> = [
  { region: 'GB', countryCode: '44', national: '1212345678', type: 'FIXED_LINE' },
  { region: 'DE', countryCode: '49', national: '30123456', type: 'FIXED_LINE' },
  { region: 'FR', countryCode: '33', national: '123456789', type: 'FIXED_LINE' },
  { region: 'SE', countryCode: '46', national: '8123456', type: 'FIXED_LINE' },
  { region: 'IN', countryCode: '91', national: '1123456789', type: 'FIXED_LINE' },
  { region: 'ZA', countryCode: '27', national: '111234567', type: 'FIXED_LINE' },
  { region: 'GB', countryCode: '44', national: '9012345678', type: 'PREMIUM_RATE' },
  { region: 'FR', countryCode: '33', national: '891123456', type: 'PREMIUM_RATE' },
];

const mobileTypes = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

describe('phone number metadata for SMS enrolment', () => {
  it('covers every region with a mobile example, valid and invalid numbers alike', () => {
    expect(new Set(rows.map((r) => r.region)).size).toBeGreaterThan(200);
    expect(rows.filter((r) => mobileTypes.has(r.max)).length).toBeGreaterThan(200);
    expect(rows.filter((r) => r.max === 'invalid').length).toBeGreaterThan(500);
    expect(rows.filter((r) => r.max !== 'invalid' && !mobileTypes.has(r.max)).length).toBeGreaterThan(20);
  });

  it("'mobile' agrees with 'max' on every mobile number and every number 'max' refuses", () => {
    const disagreements = rows
      .filter((r) => r.max === 'invalid' || mobileTypes.has(r.max))
      .filter((r) => accepts(mobile, r.countryCode, r.national) !== (r.max !== 'invalid'))
      .map((r) => `${r.region} ${r.variant} +${r.countryCode}${r.national} (max: ${r.max})`);
    expect(disagreements).toEqual([]);
  });

  it("'mobile' refuses exactly the numbers 'max' accepts that are not mobile ones (fixed line, premium rate, VoIP, ...)", () => {
    const others = rows.filter((r) => r.max !== 'invalid' && !mobileTypes.has(r.max));
    expect(others.filter((r) => accepts(mobile, r.countryCode, r.national)).map((r) => `${r.region} +${r.countryCode}${r.national} ${r.max}`)).toEqual([]);
    for (const n of otherTypes) {
      expect(max.parsePhoneNumberFromString(`+${n.countryCode}${n.national}`)?.getType()).toBe(n.type);
      expect(accepts(mobile, n.countryCode, n.national)).toBe(false);
    }
  });

  it("'min' accepts numbers 'max' refuses (it checks lengths only), so it is not enough", () => {
    const accepted = rows.filter((r) => r.max === 'invalid' && accepts(min, r.countryCode, r.national));
    expect(accepted.length).toBeGreaterThan(50);
  });

  it('enrolment accepts the mobile examples and refuses a fixed-line and a premium-rate number with a 422', async () => {
    for (const r of rows.filter((r) => r.variant === 'example' && mobileTypes.has(r.max)).slice(0, 40)) {
      await expect(parsePhone(r.countryCode, r.national)).resolves.toMatchObject({ countryCode: r.countryCode });
    }
    for (const n of otherTypes) {
      await expect(parsePhone(n.countryCode, n.national)).rejects.toMatchObject({ status: 422 });
    }
  });
});

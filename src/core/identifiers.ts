/** Belgian identifiers: SSIN (INSZ/NISS) and enterprise number (CBE/KBO/BCE), normalisation and mod-97 checks. */

/** Keeps the digits of `85.07.30-033.28` or `BE 0203.430.576`; returns undefined for anything else than text or number. */
export function digitsOnly(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return String(value);
  if (typeof value !== "string") return undefined;
  const stripped = value
    .trim()
    .replace(/^BE/i, "")
    .replace(/[\s.\-/]/g, "");
  return /^\d+$/.test(stripped) ? stripped : undefined;
}

/** Normalises an SSIN to its 11 digits (a number loses leading zeros, so it is padded back). */
export function normalizeSsin(value: unknown): string | undefined {
  const digits = digitsOnly(value);
  if (digits === undefined) return undefined;
  return typeof value === "number" ? digits.padStart(11, "0") : digits;
}

/** Normalises an enterprise number to its 10 digits; a 9-digit number gets its leading 0 back. */
export function normalizeEnterpriseNumber(value: unknown): string | undefined {
  const digits = digitsOnly(value);
  if (digits === undefined) return undefined;
  return digits.length === 9 ? "0" + digits : digits;
}

/** 97 − (n mod 97), with a result of 0 written as 97. */
function mod97Check(base: string): number {
  const remainder = Number(BigInt(base) % 97n);
  return 97 - remainder;
}

/** True when an 11-digit SSIN has valid check digits (born before 2000, or with the `2` prefix for 2000 and later). */
export function isValidSsin(ssin: string): boolean {
  if (!/^\d{11}$/.test(ssin)) return false;
  const base = ssin.slice(0, 9);
  const check = Number(ssin.slice(9));
  return mod97Check(base) === check || mod97Check("2" + base) === check;
}

/** True when a 10-digit enterprise number starts with 0 or 1 and has valid check digits. */
export function isValidEnterpriseNumber(cbe: string): boolean {
  if (!/^[01]\d{9}$/.test(cbe)) return false;
  return mod97Check(cbe.slice(0, 8)) === Number(cbe.slice(8));
}

/** Builds a valid SSIN from a birth date (YYMMDD) and a serial number; used by the simulator and tests. */
export function makeSsin(birthDate: string, serial: number, bornFrom2000 = false): string {
  const base = birthDate + String(serial).padStart(3, "0");
  const check = mod97Check((bornFrom2000 ? "2" : "") + base);
  return base + String(check).padStart(2, "0");
}

/** Builds a valid enterprise number from its first 8 digits; used by the simulator and tests. */
export function makeEnterpriseNumber(first8: string): string {
  return first8 + String(mod97Check(first8)).padStart(2, "0");
}

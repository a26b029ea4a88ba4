/**
 * Phone numbers compared by their digits only, so "+7 495 123-45-67" and
 * "74951234567" are one number. (Full E.164 normalisation with a default region
 * arrives with the CRM work; this is the minimum routing needs.)
 */
export function digitsOf(number: string): string {
  return number.replace(/\D/g, '');
}

export function sameNumber(a: string, b: string): boolean {
  const da = digitsOf(a);
  return da.length > 0 && da === digitsOf(b);
}

/** The project quota: the most projects a workspace may have (the platform's rules on it are core/model's quota.ts). */
export function isValidQuota(quota: number): boolean {
  return Number.isInteger(quota) && quota >= 0;
}

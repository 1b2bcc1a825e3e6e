/** The project quota: the most projects a workspace may have; lowering it below current usage is refused. */
export function quotaBelowUsage(quota: number | null, usage: number): boolean {
  return quota !== null && quota < usage;
}

/** Whether one more project fits. */
export function quotaReached(quota: number | null, projects: number): boolean {
  return quota !== null && projects >= quota;
}

export function isValidQuota(quota: number): boolean {
  return Number.isInteger(quota) && quota >= 0;
}

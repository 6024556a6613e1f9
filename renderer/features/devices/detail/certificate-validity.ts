const DAY_MS = 24 * 60 * 60 * 1000;
/** The provisioning plan renews a certificate with less than 30 days left (main/core/provisioning/README.md). */
export const EXPIRY_WARNING_DAYS = 30;

export type Validity =
  | { state: 'valid'; daysLeft: number }
  | { state: 'expiring'; daysLeft: number }
  | { state: 'expired'; daysAgo: number }
  | { state: 'not-yet-valid' };

/** How a certificate's validity reads today: whole days left (rounded down), a warning under 30. */
export function certificateValidity(notBefore: string, notAfter: string, nowMs: number): Validity {
  const start = Date.parse(notBefore);
  const end = Date.parse(notAfter);
  if (nowMs < start) return { state: 'not-yet-valid' };
  if (nowMs >= end) return { state: 'expired', daysAgo: Math.floor((nowMs - end) / DAY_MS) };
  const daysLeft = Math.floor((end - nowMs) / DAY_MS);
  return daysLeft < EXPIRY_WARNING_DAYS ? { state: 'expiring', daysLeft } : { state: 'valid', daysLeft };
}

export function describeValidity(validity: Validity): string {
  switch (validity.state) {
    case 'not-yet-valid':
      return 'not valid yet (check the station’s clock)';
    case 'expired':
      return validity.daysAgo === 0 ? 'expired today' : `expired ${validity.daysAgo} ${validity.daysAgo === 1 ? 'day' : 'days'} ago`;
    default:
      return validity.daysLeft === 0 ? 'expires today' : `expires in ${validity.daysLeft} ${validity.daysLeft === 1 ? 'day' : 'days'}`;
  }
}

import { Badge } from '@mantine/core';
import type { BundleVerification } from '../../../shared/contract';

export function VerificationBadge({ verification }: { verification: BundleVerification }) {
  return verification.status === 'passed' ? (
    <Badge color="green" variant="light" size="sm" radius="sm">
      Verified
    </Badge>
  ) : (
    <Badge color="red" variant="light" size="sm" radius="sm">
      Refused: {verification.refusal.check ?? verification.refusal.code}
    </Badge>
  );
}

export function DevelopmentKeyBadge() {
  return (
    <Badge
      color="orange"
      variant="outline"
      size="sm"
      radius="sm"
      title="Signed with a development key: for the lab only, never for a fleet"
    >
      Development key
    </Badge>
  );
}

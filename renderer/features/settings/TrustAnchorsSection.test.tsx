// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CommandOutput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { FakeBridge } from '../../test/fake-bridge';
import { renderView } from '../../test/render-view';
import { TrustAnchorsSection } from './TrustAnchorsSection';

const store: CommandOutput<'firmware:trust-store'> = {
  keys: [
    {
      name: 'dev-release-ed25519',
      keyId: 'a'.repeat(64),
      algorithm: 'ed25519',
      isDevelopment: true,
      revokedReason: null,
      usedBy: [{ product: 'lab-sensor', purpose: 'release' }],
    },
    {
      name: 'old-image-key',
      keyId: 'b'.repeat(64),
      algorithm: 'ecdsa-p256',
      isDevelopment: true,
      revokedReason: 'lost laptop',
      usedBy: [{ product: 'lab-sensor', purpose: 'image' }],
    },
  ],
  products: [
    {
      product: 'lab-sensor',
      releaseKeys: ['dev-release-ed25519'],
      imageKeys: ['old-image-key'],
      threshold: 1,
    },
  ],
};

describe('TrustAnchorsSection', () => {
  it('lists each key with what it may sign, its revocation, and warns about development keys', async () => {
    renderView(<TrustAnchorsSection />, new FakeBridge({ 'firmware:trust-store': () => store }));
    const table = await screen.findByRole('table', { name: 'Trusted keys' });
    const revoked = table.querySelector('[data-key-name="old-image-key"]') as HTMLElement;
    expect(within(revoked).getByText('Revoked: lost laptop')).toBeTruthy();
    expect(within(revoked).getByText('images of lab-sensor')).toBeTruthy();
    expect(screen.getByText('Development keys only')).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Copy key id of dev-release-ed25519' })).toBeTruthy();
  });

  it('shows the error with its suggested action when the trust store cannot be read', async () => {
    renderView(
      <TrustAnchorsSection />,
      new FakeBridge({
        'firmware:trust-store': () => {
          throw new AppError('TRUST_STORE_INVALID', 'trust store: key "x" is not a PEM public key');
        },
      }),
    );
    expect(await screen.findByRole('button', { name: 'Try again' })).toBeTruthy();
    expect(screen.queryByRole('table', { name: 'Trusted keys' })).toBeNull();
  });
});

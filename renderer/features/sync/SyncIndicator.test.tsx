// @vitest-environment jsdom
import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FakeBridge } from '../../test/fake-bridge';
import { makeSyncStatus } from '../../test/fixtures';
import { renderView } from '../../test/render-view';
import { describeSync } from './describe-sync';
import { SyncIndicator } from './SyncIndicator';

describe('SyncIndicator', () => {
  it('shows offline with the pending count, and follows sync:status-changed', async () => {
    const bridge = new FakeBridge({
      'sync:status': () => makeSyncStatus({ state: 'offline', pendingCount: 37 }),
    });
    renderView(<SyncIndicator />, bridge);

    expect(await screen.findByText('Offline · 37 records waiting to sync')).toBeTruthy();

    act(() => bridge.emit('sync:status-changed', makeSyncStatus({ state: 'idle', pendingCount: 0 })));
    expect(await screen.findByText('Synced')).toBeTruthy();
  });

  it('says when the connection to the station is lost', async () => {
    const bridge = new FakeBridge({ 'sync:status': () => makeSyncStatus() });
    renderView(<SyncIndicator />, bridge);
    await screen.findByText('Synced');

    act(() => bridge.connection.set('reconnecting'));
    expect(screen.getByText('Connection to station lost — reconnecting')).toBeTruthy();
  });
});

describe('describeSync', () => {
  it('words each state quietly', () => {
    const text = (overrides: Parameters<typeof makeSyncStatus>[0]) =>
      describeSync(makeSyncStatus(overrides), 'connected')?.text;
    expect(text({ state: 'not-configured', pendingCount: 5 })).toBe(
      'Not connected to a fleet server · 5 records waiting',
    );
    expect(text({ state: 'not-configured', pendingCount: 0 })).toBe('Not connected to a fleet server');
    expect(text({ state: 'offline', pendingCount: 1 })).toBe('Offline · 1 record waiting to sync');
    expect(text({ state: 'idle', pendingCount: 0 })).toBe('Synced');
    expect(describeSync(makeSyncStatus({ state: 'offline' }), 'connected')?.tone).not.toBe('attention');
  });
});

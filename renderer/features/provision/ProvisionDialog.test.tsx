// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../../shared/contract';
import { AppError, ERROR_TABLE } from '../../../shared/errors';
import { FakeBridge } from '../../test/fake-bridge';
import { makeDevice, makeLedgerRow } from '../../test/fixtures';
import { renderView } from '../../test/render-view';
import { ProvisionDialog } from './ProvisionDialog';
import { makeOperation, makePlan, makeRecipe } from './provision-test-fixtures';

const SECRET = 'correct-horse-battery-9';
const device = makeDevice({ id: 'hw-0001', serial: 'SN-0001', model: 'nRF52840-DK' });

function provisionBridge(history: LedgerEvent[] = []): FakeBridge {
  let applyCount = 0;
  return new FakeBridge({
    'recipes:list': () => ({
      recipes: [
        makeRecipe(),
        makeRecipe({ path: '/station/recipes/gateway/recipe.yaml', name: 'gateway', description: null, models: ['gateway-eu'] }),
        makeRecipe({
          path: '/station/recipes/broken/recipe.yaml',
          name: null,
          version: null,
          description: null,
          models: [],
          variables: [],
          error: { code: 'RECIPE_INVALID', message: '/station/recipes/broken/recipe.yaml, version (line 2): is a semantic version like 1.2.0' },
        }),
      ],
      folders: [{ path: '/station/recipes', origin: 'data-dir', state: 'ok' }],
    }),
    'provision:plan': () => ({ plan: makePlan() }),
    'provision:apply': () => {
      applyCount += 1;
      return { operation: makeOperation({ id: `op-${applyCount}` }) };
    },
    'ledger:device-history': () => ({ events: history }),
  });
}

function open(bridge: FakeBridge): void {
  renderView(<ProvisionDialog opened onClose={() => undefined} deviceId="hw-0001" device={device} />, bridge);
}

async function chooseLabSensorAndTypeSecret(): Promise<void> {
  fireEvent.click(await screen.findByRole('radio', { name: /lab-sensor 1\.0\.0/ }));
  fireEvent.click(screen.getByRole('button', { name: 'Next: values' }));
  fireEvent.change(await screen.findByLabelText(/wifiPassword/), { target: { value: SECRET } });
  fireEvent.change(screen.getByLabelText(/^site/), { target: { value: 'hall-7' } });
}

describe('ProvisionDialog', () => {
  it('lists the recipes: the one for another model disabled with the reason, a broken one with its error', async () => {
    open(provisionBridge());
    const labSensor = await screen.findByRole('radio', { name: /lab-sensor 1\.0\.0/ });
    expect((labSensor as HTMLInputElement).disabled).toBe(false);
    expect(screen.getByText('Lab sensor on firmware 2.1.0')).toBeTruthy();
    expect(screen.getByRole<HTMLInputElement>('radio', { name: /gateway 1\.0\.0/ }).disabled).toBe(true);
    expect(screen.getByText('For gateway-eu; this device is a nRF52840-DK.')).toBeTruthy();
    expect(screen.getByRole<HTMLInputElement>('radio', { name: /broken/ }).disabled).toBe(true);
    expect(screen.getByText('This recipe cannot be used')).toBeTruthy();
    expect(screen.getByText(/version \(line 2\): is a semantic version/)).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Next: values' }).disabled).toBe(true);
  });

  it('says where to put recipe files when the station has none', async () => {
    const empty = new FakeBridge({
      'recipes:list': () => ({ recipes: [], folders: [{ path: '/data/recipes', origin: 'data-dir', state: 'missing' }] }),
    });
    open(empty);
    expect(await screen.findByText('No recipes on this station')).toBeTruthy();
    expect(screen.getByText(/Put a recipe folder \(recipe\.yaml and its files\) in \/data\/recipes/)).toBeTruthy();
  });

  it('shows a failed recipe listing through the error table with a retry', async () => {
    open(new FakeBridge({ 'recipes:list': () => Promise.reject(new AppError('INTERNAL', 'disk on fire')) }));
    expect(await screen.findByText(ERROR_TABLE.INTERNAL.title)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('generates the form from the variables and checks values inline before asking for a plan', async () => {
    const bridge = provisionBridge();
    open(bridge);
    fireEvent.click(await screen.findByRole('radio', { name: /lab-sensor 1\.0\.0/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Next: values' }));

    const secretField = await screen.findByLabelText(/wifiPassword/);
    expect(secretField.getAttribute('type')).toBe('password');
    expect(screen.getByText(/Leave empty to use default 60/)).toBeTruthy();
    expect(screen.getByText(/Leave empty to use the site file/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText(/reportSeconds/), { target: { value: '5' } });
    fireEvent.click(screen.getByRole('button', { name: 'Show plan' }));

    expect(await screen.findByText('Enter a value: nothing else supplies it.')).toBeTruthy();
    expect(screen.getByText('At least 10.')).toBeTruthy();
    expect(bridge.callsOf('provision:plan')).toHaveLength(0);
  });

  it('shows the plan with secrets only as hashes, and the secret reaches only the provision commands', async () => {
    const bridge = provisionBridge();
    open(bridge);
    await chooseLabSensorAndTypeSecret();
    fireEvent.click(screen.getByRole('button', { name: 'Show plan' }));

    const plan = await screen.findByRole('group', { name: 'Plan' });
    expect(within(plan).getByText('install 2.1.0 (device runs 2.0.0) · enroll certificate · 2 settings change')).toBeTruthy();
    const rows = within(plan).getAllByRole('row').slice(1);
    expect(rows.map((row) => [row.getAttribute('data-plan-part'), row.getAttribute('data-status')])).toEqual([
      ['firmware', null],
      ['certificate', null],
      ['setting', 'same'],
      ['setting', 'differs'],
      ['setting', 'absent'],
    ]);
    expect(within(rows[3]!).getByText('30')).toBeTruthy();
    expect(within(rows[3]!).getByText('60')).toBeTruthy();
    expect(within(rows[4]!).getByText(/secret: will be written/)).toBeTruthy();
    expect(within(rows[4]!).getByText(/hash sha256:d1d1d1d1d1d1…/)).toBeTruthy();

    expect(bridge.callsOf('provision:plan')[0]?.input).toEqual({
      deviceId: 'hw-0001',
      recipePath: '/station/recipes/lab-sensor/recipe.yaml',
      values: { site: 'hall-7', wifiPassword: SECRET },
      hardwareRevision: 'A',
    });
    expect(document.body.innerHTML).not.toContain(SECRET);
    expect(screen.queryByDisplayValue(SECRET)).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await screen.findByRole('list', { name: 'Steps' });
    expect(bridge.callsOf('provision:apply')[0]?.input).toEqual(bridge.callsOf('provision:plan')[0]?.input);
    const elsewhere = bridge.calls.filter((call) => call.name !== 'provision:plan' && call.name !== 'provision:apply');
    expect(elsewhere.length).toBeGreaterThan(0);
    expect(JSON.stringify(elsewhere)).not.toContain(SECRET);
    expect(document.body.innerHTML).not.toContain(SECRET);
  });

  it('follows the apply live, names the failed step with the suggested action, and tries again with the same values', async () => {
    const started = makeLedgerRow(10, { type: 'operation.started', payload: { operationId: 'op-2', kind: 'provision' } });
    const applied = makeLedgerRow(11, { type: 'config.applied', payload: { operationId: 'op-2' } });
    const succeeded = makeLedgerRow(12, { type: 'operation.succeeded', payload: { operationId: 'op-2' } });
    const bridge = provisionBridge([makeLedgerRow(1), started, applied, succeeded]);
    open(bridge);
    await chooseLabSensorAndTypeSecret();
    fireEvent.click(screen.getByRole('button', { name: 'Show plan' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Apply' }));

    expect(await screen.findByText('256 KiB of 512 KiB · 32.0 KiB/s · 8 s left')).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Install firmware 2.1.0 progress' })).toBeTruthy();

    act(() =>
      bridge.emit('operations:changed', {
        operation: makeOperation({
          state: 'failed',
          updatedAt: '2026-11-27T10:00:05.000Z',
          steps: [
            { name: 'flash', label: 'Install firmware 2.1.0', state: 'done', detail: null, progress: null },
            { name: 'enroll', label: 'Enroll certificate', state: 'failed', detail: 'the EST server did not answer', progress: null },
            { name: 'configure', label: 'Write 2 settings', state: 'pending', detail: null, progress: null },
            { name: 'verify', label: 'Verify', state: 'pending', detail: null, progress: null },
          ],
          error: { code: 'EST_UNREACHABLE', message: 'connect ECONNREFUSED', step: 'enroll', isRetryable: true },
        }),
      }),
    );
    expect(await screen.findByText(ERROR_TABLE.EST_UNREACHABLE.title)).toBeTruthy();
    expect(screen.getByText(ERROR_TABLE.EST_UNREACHABLE.action)).toBeTruthy();
    expect(screen.getByText('the EST server did not answer')).toBeTruthy();
    expect(document.querySelector('[data-step="enroll"]')?.getAttribute('data-state')).toBe('failed');

    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(bridge.callsOf('provision:apply')).toHaveLength(2));
    expect(bridge.callsOf('provision:apply')[1]?.input).toEqual(bridge.callsOf('provision:apply')[0]?.input);
    await waitFor(() => expect(document.querySelector('[data-operation-id]')?.getAttribute('data-operation-id')).toBe('op-2'));

    act(() =>
      bridge.emit('operations:changed', {
        operation: makeOperation({
          id: 'op-2',
          state: 'succeeded',
          updatedAt: '2026-11-27T10:01:00.000Z',
          steps: [
            { name: 'flash', label: 'Install firmware 2.1.0', state: 'skipped', detail: 'already runs 2.1.0', progress: null },
            { name: 'enroll', label: 'Enroll certificate', state: 'done', detail: null, progress: null },
            { name: 'configure', label: 'Write 2 settings', state: 'done', detail: null, progress: null },
            { name: 'verify', label: 'Verify', state: 'done', detail: null, progress: null },
          ],
        }),
      }),
    );
    expect(await screen.findByText('Provisioned: the device matches the recipe')).toBeTruthy();
    const recorded = await screen.findByRole('list', { name: 'Recorded in the ledger' });
    expect(within(recorded).getAllByRole('listitem').map((item) => item.getAttribute('data-event-id'))).toEqual([started.id, applied.id, succeeded.id]);
    expect(within(recorded).getByText('config.applied')).toBeTruthy();
    expect(document.body.innerHTML).not.toContain(SECRET);
  });

  it('shows a refused apply (before anything ran) through the error table, keeping the plan', async () => {
    const bridge = provisionBridge();
    bridge.setHandler('provision:apply', () => Promise.reject(new AppError('ISSUER_NOT_CONFIGURED', 'no certificate issuer is configured')));
    open(bridge);
    await chooseLabSensorAndTypeSecret();
    fireEvent.click(screen.getByRole('button', { name: 'Show plan' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Apply' }));
    expect(await screen.findByText(ERROR_TABLE.ISSUER_NOT_CONFIGURED.title)).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Plan' })).toBeTruthy();
  });
});

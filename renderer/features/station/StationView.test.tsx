// @vitest-environment jsdom
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { LockedWork, RecipeSummary } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { FakeBridge } from '../../test/fake-bridge';
import { renderView } from '../../test/render-view';
import { makeLine, makeTile } from './station-fixtures';
import { StationView } from './StationView';

const tile = (label: string) => screen.getByRole('group', { name: new RegExp(`^${label}:`) });
const press = (container: HTMLElement, ...keys: string[]) => {
  for (const key of keys) fireEvent.click(within(container).getByRole('button', { name: key }));
};

describe('Station view', () => {
  it('shows each port’s state, progress, serial and failure reason, the counters, the Pareto and the locked bundle', async () => {
    const line = makeLine({
      ports: [
        makeTile(0, { state: 'flashing', percent: 42, serial: 'SN-0001', deviceId: 'hwid:01', since: new Date().toISOString() }),
        makeTile(1, { state: 'fail', serial: 'SN-0002', code: 'FLASH_REVERTED', reason: 'health check failed', step: 'health-check' }),
        makeTile(2, { state: 'pass', serial: 'SN-0003' }),
        makeTile(3),
      ],
      counters: {
        passed: 12,
        failed: 3,
        devicesRun: 14,
        firstPassYield: 0.857,
        devicesPerHour: 48,
        since: null,
        paretoByReason: [{ key: 'FLASH_REVERTED', count: 2 }, { key: 'DEVICE_NOT_RESPONDING', count: 1 }],
        paretoByPort: [{ key: 'serial:/dev/ttyACM1', count: 3 }],
      },
    });
    renderView(<StationView />, new FakeBridge({ 'line:status': () => line }));

    expect(await screen.findByRole('group', { name: 'Port 1: Flashing 42%' })).toBeTruthy();
    expect(within(tile('Port 1')).getByText('SN-0001')).toBeTruthy();
    expect(within(tile('Port 1')).getByRole('progressbar', { name: 'Port 1 progress' })).toBeTruthy();
    expect(within(tile('Port 2')).getByText(/The new firmware was rolled back: health check failed \(step health-check\)/)).toBeTruthy();
    expect(tile('Port 3').getAttribute('data-state')).toBe('pass');
    expect(within(tile('Port 4')).getByTestId('port-state').textContent).toBe('Waiting');

    const counters = screen.getByRole('group', { name: 'Counters' });
    expect(within(counters).getByLabelText('Passed: 12')).toBeTruthy();
    expect(within(counters).getByLabelText('Failed: 3')).toBeTruthy();
    expect(within(counters).getByLabelText('Devices per hour: 48')).toBeTruthy();
    expect(within(counters).getByLabelText('First-pass yield: 85.7%')).toBeTruthy();
    const byReason = screen.getByRole('region', { name: 'Failures by reason' });
    expect(within(byReason).getAllByRole('listitem').map((item) => item.textContent)).toEqual([
      'The new firmware was rolled back2',
      expect.stringMatching(/1$/),
    ]);
    expect(screen.getByTestId('locked-work').textContent).toBe('sensor-fw 1.4.0 (sensor-1.4.0.fwb)');
    expect(screen.getByLabelText('Line state: Running')).toBeTruthy();
  });

  it('follows line:changed live', async () => {
    const bridge = new FakeBridge({ 'line:status': () => makeLine({ ports: [makeTile(0)] }) });
    renderView(<StationView />, bridge);
    await screen.findByRole('group', { name: 'Port 1: Waiting' });
    act(() => bridge.emit('line:changed', { line: makeLine({ ports: [makeTile(0, { state: 'verifying', serial: 'SN-9' })] }) }));
    expect(screen.getByRole('group', { name: 'Port 1: Verifying' })).toBeTruthy();
  });

  it('suggests the next step when no device is on the line', async () => {
    renderView(<StationView />, new FakeBridge({ 'line:status': () => makeLine() }));
    expect(await screen.findByText('No devices on the line yet')).toBeTruthy();
    expect(screen.getByText(/Plug in a device or start the device lab/)).toBeTruthy();
  });

  it('shows the error from the error table when the line cannot be read', async () => {
    renderView(<StationView />, new FakeBridge({ 'line:status': () => Promise.reject(new AppError('TRANSPORT_CLOSED', 'gone')) }));
    expect(await screen.findByRole('button', { name: 'Try again' })).toBeTruthy();
  });

  it('logs an operator in with the PIN pad, and explains a wrong PIN', async () => {
    const bridge = new FakeBridge({
      'line:status': () => makeLine({ operator: null }),
      'line:login': () => Promise.reject(new AppError('PIN_INCORRECT', 'wrong PIN')),
    });
    renderView(<StationView />, bridge);
    const login = await screen.findByRole('region', { name: 'Operator login' });
    fireEvent.click(within(login).getByRole('button', { name: 'Olga' }));
    const keys = within(login).getByRole('group', { name: 'PIN for Olga keys' });
    press(keys, '4', '3', '2', '1');
    await act(() => fireEvent.click(within(login).getByRole('button', { name: 'Log in' })));
    expect(bridge.callsOf('line:login')[0]?.input).toEqual({ operatorId: 'op-olga', pin: '4321' });
    expect(await within(login).findByText('The PIN is not right')).toBeTruthy();
    expect(within(login).getByLabelText<HTMLInputElement>('PIN for Olga').value).toBe('');
  });

  it('asks for the supervisor’s PIN to approve a canary, and says so when an operator’s PIN is entered', async () => {
    let attempts = 0;
    const bridge = new FakeBridge({
      'line:status': () => makeLine({ state: 'awaiting-approval', canary: { count: 3, done: 3, evidence: null } }),
      'line:approve-canary': () => {
        attempts += 1;
        return attempts === 1 ? Promise.reject(new AppError('PERMISSION_DENIED', 'operator PIN')) : makeLine();
      },
    });
    renderView(<StationView />, bridge);
    expect(await screen.findByText('Canary passed: waiting for a supervisor')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Approve' }));
    const dialog = await screen.findByRole('dialog', { name: 'Approve the canary' });
    fireEvent.change(within(dialog).getByLabelText('Supervisor PIN'), { target: { value: '4321' } });
    await act(() => fireEvent.click(within(dialog).getByRole('button', { name: 'Approve' })));
    expect(await within(dialog).findByText('This needs a supervisor')).toBeTruthy();
    press(within(dialog).getByRole('group', { name: 'Supervisor PIN keys' }), '9', '1', '8', '2');
    await act(() => fireEvent.click(within(dialog).getByRole('button', { name: 'Approve' })));
    expect(bridge.callsOf('line:approve-canary').map((call) => call.input)).toEqual([{ supervisorPin: '4321' }, { supervisorPin: '9182' }]);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('shows a stopped line with the failing canary’s evidence', async () => {
    const evidence = { deviceId: 'hwid:77', port: 'serial:/dev/ttyACM2', code: 'FLASH_REVERTED', reason: 'health check failed', step: 'health-check' };
    renderView(<StationView />, new FakeBridge({ 'line:status': () => makeLine({ state: 'stopped', canary: { count: 3, done: 1, evidence } }) }));
    expect(await screen.findByText('Line stopped: a canary device failed')).toBeTruthy();
    expect(screen.getByText(/Device hwid:77 on serial:\/dev\/ttyACM2 failed at step health-check/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Run a new canary' })).toBeTruthy();
  });

  it('unlocks the settings with the supervisor PIN, then locks a new bundle with it', async () => {
    const bridge = new FakeBridge({
      'line:status': () => makeLine(),
      'line:unlock': () => ({ supervisor: { id: 'op-sam', name: 'Sam', role: 'supervisor' } }),
      'line:configure': () => makeLine(),
    });
    renderView(<StationView />, bridge);
    fireEvent.click(await screen.findByRole('button', { name: 'Supervisor' }));
    const dialog = await screen.findByRole('dialog', { name: 'Unlock station settings' });
    fireEvent.change(within(dialog).getByLabelText('Supervisor PIN'), { target: { value: '918273' } });
    await act(() => fireEvent.click(within(dialog).getByRole('button', { name: 'Unlock' })));
    const panel = await screen.findByRole('region', { name: 'Station settings (supervisor)' });
    fireEvent.change(within(panel).getByLabelText('Bundle file on this station'), { target: { value: '/srv/fw/sensor-1.5.0.fwb' } });
    await act(() => fireEvent.click(within(panel).getByRole('button', { name: 'Lock bundle' })));
    expect(bridge.callsOf('line:configure')[0]?.input).toEqual({ supervisorPin: '918273', bundlePath: '/srv/fw/sensor-1.5.0.fwb', canaryCount: 3 });
    fireEvent.click(within(panel).getByRole('button', { name: 'Lock settings' }));
    expect(screen.queryByRole('region', { name: 'Station settings (supervisor)' })).toBeNull();
  });

  it('locks a recipe chosen from the station’s list, and marks one that needs a technician’s value', async () => {
    const bridge = new FakeBridge({
      'line:status': () => makeLine(),
      'line:unlock': () => ({ supervisor: { id: 'op-sam', name: 'Sam', role: 'supervisor' } }),
      'line:configure': () => makeLine({ work: recipeWork, state: 'canary', canary: { count: 1, done: 0, evidence: null } }),
      'recipes:list': () => ({
        recipes: [
          recipeSummary('/srv/recipes/line-sensor/recipe.yaml', 'line-sensor', []),
          recipeSummary('/srv/recipes/lab-sensor/recipe.yaml', 'lab-sensor', ['wifiPassword']),
        ],
        folders: [],
      }),
    });
    renderView(<StationView />, bridge);
    fireEvent.click(await screen.findByRole('button', { name: 'Supervisor' }));
    const dialog = await screen.findByRole('dialog', { name: 'Unlock station settings' });
    fireEvent.change(within(dialog).getByLabelText('Supervisor PIN'), { target: { value: '918273' } });
    await act(() => fireEvent.click(within(dialog).getByRole('button', { name: 'Unlock' })));
    const panel = await screen.findByRole('region', { name: 'Station settings (supervisor)' });
    const list = within(panel).getByLabelText<HTMLSelectElement>('Recipe from this station’s list');
    await waitFor(() => expect(list.options).toHaveLength(3));
    expect([...list.options].map((option) => option.textContent)).toEqual(['Choose a recipe…', 'line-sensor 1.0.0', 'lab-sensor 1.0.0 — needs wifiPassword typed']);
    fireEvent.change(list, { target: { value: '/srv/recipes/lab-sensor/recipe.yaml' } });
    expect(within(panel).getByText(/needs wifiPassword typed by a technician/)).toBeTruthy();
    fireEvent.change(list, { target: { value: '/srv/recipes/line-sensor/recipe.yaml' } });
    expect(within(panel).getByLabelText<HTMLInputElement>('Recipe file on this station').value).toBe('/srv/recipes/line-sensor/recipe.yaml');
    fireEvent.change(within(panel).getByLabelText('Canary devices'), { target: { value: '1' } });
    await act(() => fireEvent.click(within(panel).getByRole('button', { name: 'Lock recipe' })));
    expect(bridge.callsOf('line:configure')[0]?.input).toEqual({ supervisorPin: '918273', recipePath: '/srv/recipes/line-sensor/recipe.yaml', canaryCount: 1 });
    expect(await within(panel).findByText(/Recipe locked/)).toBeTruthy();
  });

  it('shows the locked recipe with its content hash, and each provisioning phase on the tiles', async () => {
    const line = makeLine({
      work: recipeWork,
      ports: [
        makeTile(0, { state: 'flashing', percent: 60, serial: 'SN-1' }),
        makeTile(1, { state: 'enrolling', serial: 'SN-2' }),
        makeTile(2, { state: 'configuring', serial: 'SN-3' }),
        makeTile(3, { state: 'fail', serial: 'SN-4', code: 'DEVICE_TABLE_INVALID', reason: 'devices.csv: no row for serial SN-4', step: 'plan' }),
      ],
    });
    renderView(<StationView />, new FakeBridge({ 'line:status': () => line }));
    expect(await screen.findByRole('group', { name: 'Port 1: Flashing 60%' })).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Port 2: Enrolling' })).toBeTruthy();
    expect(screen.getByRole('group', { name: 'Port 3: Configuring' })).toBeTruthy();
    expect(within(tile('Port 4')).getByText(/no row for serial SN-4 \(step plan\)/)).toBeTruthy();
    expect(screen.getByText(/^Locked recipe/)).toBeTruthy();
    expect(screen.getByTestId('locked-work').textContent).toBe('line-sensor@1.0.0 (sha256 0123456789ab…, firmware 2.1.0)');
    expect(screen.getByTestId('locked-recipe-hash').textContent).toContain(`recipe sha256 ${'0123456789ab'.padEnd(64, 'c')}`);
  });

  it('sets up the first supervisor on first run, checking the PIN is entered twice alike', async () => {
    const bridge = new FakeBridge({
      'line:status': () => makeLine({ hasSupervisor: false, operators: [], operator: null, work: null, state: 'not-configured' }),
      'line:create-supervisor': () => makeLine(),
    });
    renderView(<StationView />, bridge);
    const form = await screen.findByRole('region', { name: 'Set up the first supervisor' });
    fireEvent.change(within(form).getByLabelText('Supervisor name'), { target: { value: ' Sam ' } });
    fireEvent.change(within(form).getByLabelText('Supervisor PIN'), { target: { value: '918273' } });
    fireEvent.change(within(form).getByLabelText('Repeat the PIN'), { target: { value: '918274' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create supervisor' }));
    expect(within(form).getByRole('alert').textContent).toMatch(/The two PINs differ/);
    expect(bridge.callsOf('line:create-supervisor')).toEqual([]);
    fireEvent.change(within(form).getByLabelText('Repeat the PIN'), { target: { value: '918273' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Create supervisor' }));
    expect(bridge.callsOf('line:create-supervisor')[0]?.input).toEqual({ name: 'Sam', pin: '918273' });
  });
});

const recipeWork: LockedWork = {
  kind: 'recipe',
  path: '/srv/recipes/line-sensor/recipe.yaml',
  label: 'line-sensor@1.0.0 (sha256 0123456789ab…, firmware 2.1.0)',
  version: '1.0.0',
  key: 'recipe:0123',
  recipe: { name: 'line-sensor', version: '1.0.0', contentSha256: '0123456789ab'.padEnd(64, 'c'), bundleSha256: 'b'.repeat(64), firmwareVersion: '2.1.0' },
};

function recipeSummary(path: string, name: string, technicianOnly: string[]): RecipeSummary {
  return {
    path,
    folder: '/srv/recipes',
    origin: 'environment',
    name,
    version: '1.0.0',
    description: null,
    models: ['fieldline-lab-nrf52840'],
    hardwareRevisions: ['A'],
    contentSha256: 'a'.repeat(64),
    variables: technicianOnly.map((variable) => ({
      name: variable,
      type: 'string',
      description: null,
      isSecret: true,
      enum: null,
      minimum: null,
      maximum: null,
      minLength: null,
      maxLength: null,
      pattern: null,
      format: null,
      defaultValue: null,
      suppliedBy: [],
      isRequired: true,
    })),
    error: null,
  };
}

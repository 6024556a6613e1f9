// @vitest-environment jsdom
import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CommandOutput } from '../../../shared/contract';
import { FakeBridge } from '../../test/fake-bridge';
import { makeLedgerRow } from '../../test/fixtures';
import { renderView } from '../../test/render-view';
import { RecordsView } from './RecordsView';

describe('RecordsView', () => {
  it('lists ledger events and refreshes on ledger:changed', async () => {
    let page: CommandOutput<'ledger:list-events'> = {
      events: [makeLedgerRow(1, { type: 'device.discovered', actor: 'operator:alice' })],
      nextBefore: null,
    };
    const bridge = new FakeBridge({ 'ledger:list-events': () => page });
    renderView(<RecordsView />, bridge);

    const first = (await screen.findByText('device.discovered')).closest('tr') as HTMLElement;
    expect(within(first).getByText('operator:alice')).toBeTruthy();
    expect(within(first).getByText('aaaaaaaaaaaa')).toBeTruthy();
    expect(screen.getByRole('columnheader', { name: 'Actor' })).toBeTruthy();

    page = {
      events: [makeLedgerRow(2, { type: 'firmware.flashed', actor: 'operator:bob' }), ...page.events],
      nextBefore: null,
    };
    act(() => bridge.emit('ledger:changed', { eventCount: 2 }));

    expect(await screen.findByText('firmware.flashed')).toBeTruthy();
    const types = screen
      .getAllByRole('row')
      .slice(1)
      .map((row) => row.getAttribute('data-event-id'));
    expect(types).toEqual(['0190-event-2', '0190-event-1']);
  });

  it('loads older events with nextBefore', async () => {
    const bridge = new FakeBridge({
      'ledger:list-events': (input) =>
        input?.before === 5
          ? { events: [makeLedgerRow(4, { type: 'device.enrolled' })], nextBefore: null }
          : { events: [makeLedgerRow(6), makeLedgerRow(5)], nextBefore: 5 },
    });
    renderView(<RecordsView />, bridge);

    const loadOlder = await screen.findByRole('button', { name: 'Load older' });
    act(() => loadOlder.click());
    expect(await screen.findByText('device.enrolled')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Load older' })).toBeNull();
    expect(bridge.callsOf('ledger:list-events').at(-1)?.input).toMatchObject({ before: 5 });
  });

  it('says so when there are no records', async () => {
    const bridge = new FakeBridge({ 'ledger:list-events': () => ({ events: [], nextBefore: null }) });
    renderView(<RecordsView />, bridge);
    expect(await screen.findByText('No records yet')).toBeTruthy();
  });

  it('searches by text anywhere in the events', async () => {
    const bridge = new FakeBridge({
      'ledger:list-events': (input) =>
        input?.text === 'SN-00A7'
          ? { events: [makeLedgerRow(3, { type: 'firmware.flashed' })], nextBefore: null }
          : { events: [makeLedgerRow(2), makeLedgerRow(1)], nextBefore: null },
    });
    renderView(<RecordsView />, bridge);
    await screen.findAllByText('device.discovered');
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: ' SN-00A7 ' } });
    expect(await screen.findByText('firmware.flashed')).toBeTruthy();
    expect(screen.queryByText('device.discovered')).toBeNull();
    expect(bridge.callsOf('ledger:list-events').at(-1)?.input).toMatchObject({ text: 'SN-00A7' });
  });
});

// @vitest-environment jsdom
import { screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppError, ERROR_TABLE } from '../../shared/errors';
import { FakeBridge } from '../test/fake-bridge';
import { renderView } from '../test/render-view';
import { ErrorBoundary } from './ErrorBoundary';

function Broken({ error }: { error: unknown }): never {
  throw error;
}

describe('ErrorBoundary', () => {
  // React reports caught render errors on the console; that noise is expected here.
  beforeEach(() => vi.spyOn(console, 'error').mockImplementation(() => undefined));
  afterEach(() => vi.restoreAllMocks());

  it("shows the error table's title and action for an AppError, with the raw message folded away", () => {
    renderView(
      <ErrorBoundary>
        <Broken error={new AppError('LEDGER_CORRUPT', 'file is not a database (SQLITE_NOTADB)')} />
      </ErrorBoundary>,
      new FakeBridge(),
    );
    expect(screen.getByText(ERROR_TABLE.LEDGER_CORRUPT.title)).toBeTruthy();
    expect(screen.getByText(ERROR_TABLE.LEDGER_CORRUPT.action)).toBeTruthy();
    const raw = screen.getByText('LEDGER_CORRUPT: file is not a database (SQLITE_NOTADB)');
    expect(raw.closest('details')?.open).toBe(false);
  });

  it('treats anything else as INTERNAL', () => {
    renderView(
      <ErrorBoundary>
        <Broken error={new TypeError('x is undefined')} />
      </ErrorBoundary>,
      new FakeBridge(),
    );
    expect(screen.getByText(ERROR_TABLE.INTERNAL.title)).toBeTruthy();
    expect(screen.getByText(ERROR_TABLE.INTERNAL.action)).toBeTruthy();
  });
});

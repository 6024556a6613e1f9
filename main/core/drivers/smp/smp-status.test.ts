import { describe, expect, it } from 'vitest';
import { describeSmpStatus, readSmpStatus, smpStatusToAppError } from './smp-status';

describe('SMP response status (protocols.md §1, "Errors")', () => {
  it('treats an empty map, other fields or rc 0 as success', () => {
    expect(readSmpStatus({})).toEqual({ kind: 'ok' });
    expect(readSmpStatus({ r: 'hello' })).toEqual({ kind: 'ok' });
    expect(readSmpStatus({ rc: 0 })).toEqual({ kind: 'ok' });
    expect(readSmpStatus({ err: { group: 1, rc: 0 } })).toEqual({ kind: 'ok' });
  });

  it('reads the v1 shape with its optional reason', () => {
    expect(readSmpStatus({ rc: 5 })).toEqual({ kind: 'smp-error', rc: 5 });
    expect(readSmpStatus({ rc: 3, rsn: 'bad off' })).toEqual({ kind: 'smp-error', rc: 3, reason: 'bad off' });
    expect(describeSmpStatus({ kind: 'smp-error', rc: 5 })).toBe('NOENT');
  });

  it('reads the v2 group shape and names image and settings errors', () => {
    expect(readSmpStatus({ err: { group: 1, rc: 24 } })).toEqual({ kind: 'group-error', group: 1, rc: 24 });
    expect(describeSmpStatus({ kind: 'group-error', group: 1, rc: 24 })).toBe('group 1 INVALID_HASH');
    expect(describeSmpStatus({ kind: 'group-error', group: 3, rc: 3 })).toBe('group 3 KEY_NOT_FOUND');
    expect(describeSmpStatus({ kind: 'group-error', group: 99, rc: 7 })).toBe('group 99 rc 7');
  });

  it('prefers the group error when a device sends both shapes', () => {
    expect(readSmpStatus({ rc: 1, err: { group: 1, rc: 28 } })).toEqual({
      kind: 'group-error',
      group: 1,
      rc: 28,
    });
  });

  it.each([
    [{ rc: 'x' }],
    [{ rc: 1.5 }],
    [{ err: 3 }],
    [{ err: { group: 1 } }],
    [{ err: new Uint8Array(1) }],
  ])('rejects malformed status %j as DEVICE_PROTOCOL', (body) => {
    expect(() => readSmpStatus(body)).toThrow(expect.objectContaining({ code: 'DEVICE_PROTOCOL' }));
  });

  it('converts a refusal to DEVICE_REJECTED with the request and the rc in details', () => {
    const error = smpStatusToAppError({ kind: 'group-error', group: 1, rc: 30 }, { group: 1, commandId: 1 });
    expect(error.code).toBe('DEVICE_REJECTED');
    expect(error.details).toMatchObject({
      group: 1,
      rc: 30,
      requestCommandId: 1,
      name: 'group 1 INVALID_IMAGE_TOO_LARGE',
    });
  });
});

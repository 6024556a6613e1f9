import { afterEach, describe, expect, it, vi } from 'vitest';
import { UsbSerialLatency } from './usb-serial-latency';

describe('USB-serial latency timer (quality.md)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends whole 62-byte packets at once and holds a partial one until the timer fires', () => {
    vi.useFakeTimers();
    const sent: number[] = [];
    const bridge = new UsbSerialLatency({ latencyMs: 16 }, (bytes) => sent.push(bytes.length));
    bridge.push(new Uint8Array(150));
    expect(sent).toEqual([124]);
    vi.advanceTimersByTime(15);
    expect(sent).toEqual([124]);
    bridge.push(new Uint8Array(10));
    vi.advanceTimersByTime(1);
    expect(sent).toEqual([124, 36]);
    bridge.push(new Uint8Array(62));
    expect(sent).toEqual([124, 36, 62]);
    bridge.push(new Uint8Array(5));
    bridge.stop();
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([124, 36, 62]);
  });

  it('keeps the bytes in order across packets', () => {
    vi.useFakeTimers();
    const received: number[] = [];
    const bridge = new UsbSerialLatency({ latencyMs: 16 }, (bytes) => received.push(...bytes));
    const stream = Array.from({ length: 300 }, (_, index) => index & 0xff);
    for (let offset = 0; offset < stream.length; offset += 37)
      bridge.push(Uint8Array.from(stream.slice(offset, offset + 37)));
    vi.advanceTimersByTime(16);
    expect(received).toEqual(stream);
  });
});

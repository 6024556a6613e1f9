/**
 * How far below the station a flash process runs (Unix niceness 10; Windows maps it to below normal).
 * Sixteen transfers on a two-core line computer can keep every core busy, and the station's event loop
 * (the UI, every checkpoint) must still answer at once; a transfer paced by its serial line loses
 * nothing by waiting a moment for a core (bench/station-load, bench/flash-parallel).
 */
export const FLASH_PROCESS_NICENESS = 10;

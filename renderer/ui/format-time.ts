const pad = (value: number): string => String(value).padStart(2, '0');

/**
 * Local time as `YYYY-MM-DD HH:MM:SS`: fixed width, so a column of them reads and sorts at a glance
 * whatever the locale. Text that is not a date is shown as it is rather than as "Invalid Date".
 */
export function formatTimestamp(value: string | number): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  return `${day} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

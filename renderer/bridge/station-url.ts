import { STATION_TOKEN_PARAM } from '../../shared/contract';

/**
 * The station's WebSocket address, derived from the page the station served: same host, `/ws`, and
 * the access token the station printed in the page URL (`?token=…`).
 */
export function stationSocketUrl(location: Pick<Location, 'protocol' | 'host' | 'search'>): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const url = new URL(`${scheme}://${location.host}/ws`);
  const token = new URLSearchParams(location.search).get(STATION_TOKEN_PARAM);
  if (token !== null && token !== '') url.searchParams.set(STATION_TOKEN_PARAM, token);
  return url.toString();
}

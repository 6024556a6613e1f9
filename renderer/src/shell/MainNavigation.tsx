import { NavLink } from '@mantine/core';
import { VIEWS, viewHref, type ViewId } from './views';

/** Plain links with visible names, so the browser, keyboard and screen readers all know them. */
export function MainNavigation({ current, onNavigate }: { current: ViewId; onNavigate: () => void }) {
  return VIEWS.map((view) => (
    <NavLink
      key={view.id}
      href={viewHref(view.id)}
      label={view.label}
      active={view.id === current}
      aria-current={view.id === current ? 'page' : undefined}
      onClick={onNavigate}
    />
  ));
}

/**
 * The frame every check's fragment shares in the editor's checks panel: a
 * titled section with a one-line summary, so the panel reads the same from
 * check to check. Callers escape their own body; title and summary are
 * escaped here.
 */
import { escapeHtml as e } from '../../render/slots.ts';

/** A check's fragment: `name` becomes the class `check-NAME` the panel styles by. */
export function checkSection(name: string, title: string, summary: string, body: string): string {
  return `<section class="check check-${e(name)}"><h3>${e(title)}</h3><p class="check-summary">${e(summary)}</p>${body}</section>`;
}

/** A state badge (`ok`, `broken`, `unknown`…) styled by the class `state-STATE`. */
export function stateBadge(state: string, label: string = state): string {
  return `<span class="state state-${e(state)}">${e(label)}</span>`;
}

/** "1 link", "3 links": counts in summaries read as sentences. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

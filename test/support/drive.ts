// Drives the pure model with events, collecting the effects it asks for (no screen).
import type { Effect, Event } from '../../src/flow/events.js';
import type { Model } from '../../src/flow/model.js';
import { update } from '../../src/flow/update.js';

export function drive(m: Model, ...events: Event[]): { m: Model; effects: Effect[] } {
  const effects: Effect[] = [];
  for (const e of events) {
    const r = update(m, e);
    m = r.model;
    effects.push(...r.effects);
  }
  return { m, effects };
}

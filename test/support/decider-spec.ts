import { expect } from 'vitest';
import { fold, type Decider, type DecisionContext } from '../../src/core/decider.js';
import type { DomainEvent } from '../../src/core/envelope.js';
import { PortalError } from '../../src/core/errors.js';

/** A fixed context: a known instant, sequential ids, a staff actor of tenant `firm-1`. */
export function testContext(overrides: Partial<DecisionContext> = {}): DecisionContext {
  let n = 0;
  return {
    now: new Date('2026-01-15T09:00:00.000Z'),
    newId: () => `id-${++n}`,
    actor: { kind: 'staff', userId: 'user-1' },
    tenantId: 'firm-1',
    ...overrides,
  };
}

/**
 * Given/when/then for deciders:
 *   spec(clientDecider).given(created, guestAdded).when(closeAccess).then(accessClosed)
 *   spec(clientDecider).given(created).when(archive).thenThrows('client.archived')
 */
export function spec<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, context: Partial<DecisionContext> = {}) {
  return {
    given(...history: E[]) {
      return {
        when(command: C) {
          const run = () => decider.decide(command, fold(decider, history), testContext(context));
          return {
            /** The exact events decided, in order (or a function that inspects them). */
            then(...expected: E[] | [(events: E[]) => void]) {
              const events = run();
              const [first] = expected;
              if (typeof first === 'function') first(events);
              else expect(events).toEqual(expected);
              return events;
            },
            /** The command is refused with a typed error carrying this code. */
            thenThrows(code: string) {
              let thrown: unknown;
              try {
                run();
              } catch (error) {
                thrown = error;
              }
              expect(thrown, `expected refusal ${code}`).toBeInstanceOf(PortalError);
              expect((thrown as PortalError).code).toBe(code);
              return thrown as PortalError;
            },
          };
        },
      };
    },
  };
}

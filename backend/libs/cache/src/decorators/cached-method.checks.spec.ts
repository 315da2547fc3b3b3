import { BehaviorSubject, Observable } from 'rxjs';
import { InvalidCacheOptionsError } from '../errors/index.js';
import { assertCacheableMethod, type DecoratedMethodFacts } from './cached-method.checks.js';

class PrivateUser {
  readonly #id = 'u1';
  get id(): string {
    return this.#id;
  }
}

class ShownUser {
  readonly #id = 'u1';
  toJSON() {
    return { id: this.#id };
  }
}

class FilterDto {
  colour = 'red';
}

const facts = (overrides: Partial<DecoratedMethodFacts>): DecoratedMethodFacts => ({
  label: 'Svc.method',
  meta: { cacheable: {}, noCache: false },
  returnType: Promise,
  parameterTypes: [],
  ...overrides,
});

const refusal = (input: DecoratedMethodFacts): string | undefined => {
  try {
    assertCacheableMethod(input);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidCacheOptionsError);
    return (error as Error).message;
  }
};

describe('assertCacheableMethod', () => {
  it('accepts parameter types whose state the default key can see', () => {
    const types = [String, Number, Object, Array, Map, Set, Date, URL, Buffer, FilterDto];
    expect(refusal(facts({ parameterTypes: [...types, ShownUser, undefined] }))).toBeUndefined();
  });

  it.each([
    ['a class with #private fields', PrivateUser, 'PrivateUser (its class may hold #private'],
    ['a function', Function, 'a function'],
    ['a symbol', Symbol, 'a symbol'],
    ['a Promise', Promise, 'a Promise'],
    ['a WeakMap', WeakMap, 'a WeakMap'],
    ['an Observable', Observable, 'the stream Observable'],
  ])('refuses a parameter declared as %s, naming method and parameter', (_, type, says) => {
    const message = refusal(facts({ parameterTypes: [String, type] }));
    expect(message).toContain('Svc.method (parameter 1)');
    expect(message).toContain(says);
  });

  it('leaves parameters alone when the method builds its own key', () => {
    const meta = { cacheable: { key: 'k' }, noCache: false };
    expect(refusal(facts({ meta, parameterTypes: [PrivateUser] }))).toBeUndefined();
    const evictOnly = { evict: { keys: ['k'] }, noCache: false };
    expect(refusal(facts({ meta: evictOnly, parameterTypes: [Function] }))).toBeUndefined();
  });

  it('refuses a method that returns a Subject, and a @CachePut without key', () => {
    expect(refusal(facts({ returnType: BehaviorSubject }))).toContain(
      '@Cacheable on Svc.method: expected a method with one result',
    );
    expect(refusal(facts({ returnType: Observable }))).toBeUndefined();
    expect(refusal(facts({ meta: { put: {}, noCache: false } }))).toContain('@CachePut on Svc');
  });
});

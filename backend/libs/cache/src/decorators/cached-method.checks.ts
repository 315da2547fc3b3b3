import { InvalidCacheOptionsError } from '../errors/index.js';
import {
  classChainHiddenState,
  describeHiddenState,
  isNativeFunction,
} from '../keys/visible-state.js';
import type { CacheMethodMetadata } from './cache-metadata.accessor.js';
import { isObservableClass, isSubjectClass } from './method-result.js';

/** What startup knows of one decorated method. */
export interface DecoratedMethodFacts {
  /** `Class.method`. */
  label: string;
  meta: CacheMethodMetadata;
  /** `design:returntype`, when the compiler emitted it. */
  returnType: unknown;
  /** `design:paramtypes`, when the compiler emitted it. */
  parameterTypes: unknown;
}

/** Engine classes whose instances keep their whole state in internal slots. */
const ENGINE_STATE_TYPES: readonly unknown[] = [Promise, WeakMap, WeakSet, WeakRef];

/** Classes whose instances the key hash reads by content although they are not engine classes. */
const CONTENT_HASHED_TYPES: readonly unknown[] = [URL, URLSearchParams, Buffer];

/**
 * Refuses, at startup, a decorated method that could never work as declared:
 * a `@CachePut` without a key; a method that returns a Subject (hot, many values); a
 * `@Cacheable` with default keys whose parameter type hides its state from the key hash
 * (a function, a symbol, a Promise or weak collection, a class with `#private` members and no
 * `toJSON`). What types cannot show is checked per call (see `CachedMethod`).
 *
 * @throws InvalidCacheOptionsError naming the method (and the parameter)
 */
export function assertCacheableMethod(facts: DecoratedMethodFacts): void {
  const { label, meta } = facts;
  if (meta.put && meta.put.key === undefined) {
    throw new InvalidCacheOptionsError(
      `@CachePut on ${label}`,
      'a key (the key its @Cacheable readers use)',
    );
  }
  if (isSubjectClass(facts.returnType)) {
    throw new InvalidCacheOptionsError(
      `${decoratorName(meta)} on ${label}`,
      'a method with one result (a value, a Promise, or an Observable that emits one value ' +
        `and completes); it returns a ${(facts.returnType as { name: string }).name}, a ` +
        'Subject that may emit any number of values',
    );
  }
  if (!meta.cacheable || meta.cacheable.key !== undefined) return;
  if (!Array.isArray(facts.parameterTypes)) return;
  for (const [index, type] of (facts.parameterTypes as unknown[]).entries()) {
    const hidden = hiddenParameterType(type);
    if (hidden === undefined) continue;
    throw new InvalidCacheOptionsError(
      `@Cacheable on ${label} (parameter ${index})`,
      'a parameter type whose state the default key can see, or a key function; ' +
        `parameter ${index} is declared as ${hidden}, whose state a hash cannot see: ` +
        'give @Cacheable a key function (or the class a toJSON())',
    );
  }
}

/** How a declared parameter type that always hides its state reads; `undefined` if it may not. */
function hiddenParameterType(type: unknown): string | undefined {
  if (typeof type !== 'function') return undefined;
  if (type === Function) return 'a function';
  if (type === Symbol) return 'a symbol';
  if (ENGINE_STATE_TYPES.includes(type)) {
    return describeHiddenState({ reason: 'native-state', typeName: type.name });
  }
  if (isObservableClass(type)) return `the stream ${type.name}`;
  if (isNativeFunction(type) || CONTENT_HASHED_TYPES.includes(type)) return undefined;
  const prototype = (type as { prototype?: unknown }).prototype;
  if (typeof prototype !== 'object' || prototype === null) return undefined;
  if (typeof (prototype as { toJSON?: unknown }).toJSON === 'function') return undefined;
  const reason = classChainHiddenState(prototype);
  return reason === null ? undefined : describeHiddenState({ reason, typeName: type.name });
}

function decoratorName(meta: CacheMethodMetadata): string {
  if (meta.cacheable) return '@Cacheable';
  return meta.put ? '@CachePut' : '@CacheEvict';
}

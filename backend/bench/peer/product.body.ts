import type { Product } from '../../src/demo/products/product.js';

/** When the bench apps' catalogue was "seeded": one instant per process, as in the reference backend. */
const seededAt = new Date().toISOString();

/**
 * The body of `GET /products/:id` as the reference backend's `ProductsService.findOne` builds
 * it: the same fields, in the same order, with the same values for the same id. The peer app and
 * the uncached app answer with it, so that every contender sends the same JSON.
 */
export function productBody(id: number, loadSeq: number): Product {
  return {
    id,
    name: `Product ${id}`,
    priceCents: 100 * id,
    updatedAt: seededAt,
    loadedAt: new Date().toISOString(),
    loadSeq,
  };
}

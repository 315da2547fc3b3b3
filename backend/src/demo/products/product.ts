import { z } from 'zod';
import type { ReadStamp } from '../shared/simulated-db.js';

/** A product as stored. */
export interface ProductRecord {
  id: number;
  name: string;
  priceCents: number;
  updatedAt: string;
}

/** A product as the API returns it: the record and the read that produced it. */
export type Product = ProductRecord & ReadStamp;

/** The body of `PUT /products/:id`: at least one field, nothing else. */
export const productUpdateSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    priceCents: z.number().int().min(0).max(100_000_000).optional(),
  })
  .refine((body) => body.name !== undefined || body.priceCents !== undefined, {
    error: 'give name or priceCents',
  });

export type ProductUpdate = z.infer<typeof productUpdateSchema>;

import { Injectable, NotFoundException } from '@nestjs/common';
import { SimulatedDb } from '../shared/simulated-db.js';
import type { Product, ProductRecord, ProductUpdate } from './product.js';

/** How many products the demo catalogue holds (ids 1 to this). */
export const PRODUCT_COUNT = 100;

/** The demo catalogue, kept in memory; every read goes through the simulated database. */
@Injectable()
export class ProductsService {
  private readonly records = new Map<number, ProductRecord>();

  constructor(private readonly db: SimulatedDb) {
    const seededAt = new Date().toISOString();
    for (let id = 1; id <= PRODUCT_COUNT; id += 1) {
      this.records.set(id, {
        id,
        name: `Product ${id}`,
        priceCents: 100 * id,
        updatedAt: seededAt,
      });
    }
  }

  /** @throws NotFoundException when there is no such product */
  async findOne(id: number): Promise<Product> {
    const stamp = await this.db.read();
    const record = this.records.get(id);
    if (!record) throw new NotFoundException(`product ${id} does not exist`);
    return { ...record, ...stamp };
  }

  async findAll(): Promise<{ items: ProductRecord[] } & Awaited<ReturnType<SimulatedDb['read']>>> {
    const stamp = await this.db.read();
    return { items: [...this.records.values()].map((r) => ({ ...r })), ...stamp };
  }

  /** @throws NotFoundException when there is no such product */
  update(id: number, change: ProductUpdate): ProductRecord {
    const record = this.records.get(id);
    if (!record) throw new NotFoundException(`product ${id} does not exist`);
    const updated: ProductRecord = {
      ...record,
      ...(change.name !== undefined ? { name: change.name } : {}),
      ...(change.priceCents !== undefined ? { priceCents: change.priceCents } : {}),
      updatedAt: new Date().toISOString(),
    };
    this.records.set(id, updated);
    return { ...updated };
  }
}

import { base44 } from './base44Client';

export const Order = base44.entities.Order;

import { base44 } from './base44Client';

export const Order = base44.entities.Order;

// auth sdk:
export const User = base44.auth;

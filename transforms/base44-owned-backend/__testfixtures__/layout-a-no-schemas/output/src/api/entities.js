import { base44 } from './base44Client';

export const Lead = base44.entities.Lead;

export const Deal = base44.entities.Deal;

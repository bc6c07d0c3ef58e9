import { Injectable } from '@nestjs/common';
import { type Transaction, Transactions, uniquely } from '@superflag/core';
import { In } from 'typeorm';
import { User } from './user.entity';

/** What a new account row holds (created_at is the database's). */
export type NewUser = Pick<User, 'id' | 'email' | 'passwordHash'>;

/** User ids per statement in emailsOf. */
const EMAILS_CHUNK = 1000;

/** Accounts. Without a transaction handle, a call runs on its own. */
@Injectable()
export class UserStore {
  constructor(private readonly transactions: Transactions) {}

  findById(tx: Transaction | undefined, id: string): Promise<User | null> {
    return this.transactions.manager(tx).findOneBy(User, { id });
  }

  /** `email` as stored: lower-cased. */
  findByEmail(tx: Transaction | undefined, email: string): Promise<User | null> {
    return this.transactions.manager(tx).findOneBy(User, { email });
  }

  existsByEmail(email: string): Promise<boolean> {
    return this.transactions.manager().existsBy(User, { email });
  }

  /** 409 `Email already registered` when the address is taken. Never an operator: operator rights are granted, not claimed. */
  create(tx: Transaction, user: NewUser): Promise<User> {
    const manager = this.transactions.manager(tx);
    return uniquely('Email already registered', () => manager.save(manager.create(User, { ...user, isOperator: false })));
  }

  /** Creates the account unless the address is taken (replicas starting together may race to create the same admin). */
  async createIfAbsent(user: NewUser): Promise<void> {
    await this.transactions.manager().createQueryBuilder().insert().into(User).values(user).orIgnore().execute();
  }

  async setPasswordHash(tx: Transaction | undefined, id: string, passwordHash: string): Promise<void> {
    await this.transactions.manager(tx).update(User, { id }, { passwordHash });
  }

  /** Replaces the hash only while it is still `from`: a password changed meanwhile is not overwritten. */
  async replacePasswordHash(id: string, from: string, to: string): Promise<void> {
    await this.transactions.manager().update(User, { id, passwordHash: from }, { passwordHash: to });
  }

  /** Locks the user's row until `tx` ends: what is counted per user (their tokens) changes one request at a time. */
  async lock(tx: Transaction, id: string): Promise<void> {
    await this.transactions
      .manager(tx)
      .createQueryBuilder(User, 'u')
      .select('u.id')
      .where('u.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
  }

  async emailsOf(tx: Transaction | undefined, ids: readonly string[]): Promise<Map<string, string>> {
    const manager = this.transactions.manager(tx);
    const emails = new Map<string, string>();
    // In bounded chunks: an app's member list has no upper size, one statement at most 65,535 parameters.
    for (let i = 0; i < ids.length; i += EMAILS_CHUNK) {
      const users = await manager.find(User, { select: { id: true, email: true }, where: { id: In(ids.slice(i, i + EMAILS_CHUNK)) } });
      for (const u of users) emails.set(u.id, u.email);
    }
    return emails;
  }
}

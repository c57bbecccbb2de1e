/** A node of a {@link RecencyList}: the list keeps its links on the item itself. */
export interface RecencyNode<T extends RecencyNode<T>> {
  older: T | undefined;
  newer: T | undefined;
  /** True while the item is in the list. */
  listed: boolean;
}

/**
 * A doubly linked list in order of use, oldest first, whose links live on the items: appending,
 * moving an item to the newest end and removing it are O(1) and allocate nothing, unlike
 * re-inserting into a `Map` to keep its insertion order.
 */
export class RecencyList<T extends RecencyNode<T>> {
  #oldest: T | undefined;
  #newest: T | undefined;
  #size = 0;

  /** The least recently used item, if any. */
  get oldest(): T | undefined {
    return this.#oldest;
  }

  /** Number of items in the list. */
  get size(): number {
    return this.#size;
  }

  /** Adds `item` at the newest end; an item already in the list is moved there. */
  append(item: T): void {
    if (item.listed) {
      if (this.#newest === item) return;
      this.remove(item);
    }
    item.older = this.#newest;
    item.newer = undefined;
    if (this.#newest === undefined) this.#oldest = item;
    else this.#newest.newer = item;
    this.#newest = item;
    item.listed = true;
    this.#size++;
  }

  /** Takes `item` out of the list; does nothing when it is not in it. */
  remove(item: T): void {
    if (!item.listed) return;
    if (item.older === undefined) this.#oldest = item.newer;
    else item.older.newer = item.newer;
    if (item.newer === undefined) this.#newest = item.older;
    else item.newer.older = item.older;
    item.older = undefined;
    item.newer = undefined;
    item.listed = false;
    this.#size--;
  }

  /** Empties the list. */
  clear(): void {
    let item = this.#oldest;
    while (item !== undefined) {
      const next = item.newer;
      item.older = undefined;
      item.newer = undefined;
      item.listed = false;
      item = next;
    }
    this.#oldest = undefined;
    this.#newest = undefined;
    this.#size = 0;
  }
}

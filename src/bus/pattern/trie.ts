class TrieNode<T> {
  next: Map<number, TrieNode<T>> | null = null
  items: T[] | null = null
}

/**
 * Keys stored character by character (UTF-16 code units). Given a text, finds
 * the items of every stored key that is a prefix of it (or, when `fromEnd`, a
 * suffix) in one walk whose cost depends on the text, not on how many keys there are.
 */
export class CharTrie<T> {
  private readonly root = new TrieNode<T>()
  private count = 0

  constructor (private readonly fromEnd: boolean) {}

  get size (): number {
    return this.count
  }

  add (key: string, item: T): void {
    let node = this.root
    const n = key.length
    for (let i = 0; i < n; i++) {
      const code = key.charCodeAt(this.fromEnd ? n - 1 - i : i)
      if (node.next === null) node.next = new Map()
      let child = node.next.get(code)
      if (child === undefined) node.next.set(code, child = new TrieNode())
      node = child
    }
    if (node.items === null) node.items = []
    node.items.push(item)
    this.count++
  }

  /** Removes one occurrence of item under key; prunes branches left empty. */
  remove (key: string, item: T): boolean {
    const path: TrieNode<T>[] = [this.root]
    const n = key.length
    let node = this.root
    for (let i = 0; i < n; i++) {
      const child = node.next?.get(key.charCodeAt(this.fromEnd ? n - 1 - i : i))
      if (child === undefined) return false
      path.push(node = child)
    }
    const at = node.items?.indexOf(item) ?? -1
    if (at < 0) return false
    node.items!.splice(at, 1)
    if (node.items!.length === 0) node.items = null
    this.count--
    for (let i = n; i > 0; i--) {
      const child = path[i]!
      if (child.items !== null || (child.next !== null && child.next.size > 0)) break
      path[i - 1]!.next!.delete(key.charCodeAt(this.fromEnd ? n - i : i - 1))
    }
    return true
  }

  /** Appends the items of every key that is a prefix (suffix when fromEnd) of text. */
  collect (text: string, out: T[]): void {
    let node: TrieNode<T> | undefined = this.root
    const n = text.length
    for (let i = 0; ; i++) {
      const items = node.items
      if (items !== null) for (let k = 0; k < items.length; k++) out.push(items[k]!)
      if (i === n || node.next === null) return
      node = node.next.get(text.charCodeAt(this.fromEnd ? n - 1 - i : i))
      if (node === undefined) return
    }
  }
}

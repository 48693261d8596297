"""A flattened device tree (DTB) read into nodes and written back: what scripts/dtb-fixup
edits a user's tree with. Version 16 and 17 blobs (what dtc writes); the memory
reservation block is kept as it is. Malformed input raises FdtError with the reason."""

import struct

FDT_MAGIC = 0xD00DFEED
FDT_BEGIN_NODE, FDT_END_NODE, FDT_PROP, FDT_NOP, FDT_END = 1, 2, 3, 4, 9
HEADER = struct.Struct(">10I")


class FdtError(Exception):
    pass


class Node:
    def __init__(self, name, parent=None):
        self.name = name
        self.parent = parent
        self.props = {}  # name -> bytes, in the blob's order (dicts keep it)
        self.children = []

    # Paths and lookups
    def path(self):
        if self.parent is None:
            return "/"
        up = self.parent.path()
        return up + self.name if up == "/" else up + "/" + self.name

    def child(self, name):
        for c in self.children:
            if c.name == name:
                return c
        return None

    def add(self, name):
        if self.child(name) is not None:
            raise FdtError(f"{self.path()} already has a node {name}")
        c = Node(name, self)
        self.children.append(c)
        return c

    def remove(self):
        self.parent.children.remove(self)

    def walk(self):
        yield self
        for c in list(self.children):
            yield from c.walk()

    # Property values
    def cells(self, prop):
        v = self.props.get(prop)
        if v is None:
            return None
        if len(v) % 4:
            raise FdtError(f"{self.path()}: {prop} is not a list of 32-bit cells")
        return list(struct.unpack(f">{len(v) // 4}I", v))

    def cell(self, prop, default=None):
        v = self.cells(prop)
        return default if v is None or len(v) != 1 else v[0]

    def strings(self, prop):
        v = self.props.get(prop)
        if v is None:
            return []
        return [s.decode("latin-1") for s in v.rstrip(b"\0").split(b"\0")]

    def string(self, prop):
        s = self.strings(prop)
        return s[0] if s else None

    def set_cells(self, prop, values):
        self.props[prop] = struct.pack(f">{len(values)}I", *values)

    def set_strings(self, prop, *values):
        self.props[prop] = b"".join(v.encode() + b"\0" for v in values)


def split_cells(value, n):
    """A number as n big-endian 32-bit cells; ValueError if it does not fit."""
    if value >> (32 * n):
        raise ValueError(f"{value:#x} does not fit in {n} cell(s)")
    return [(value >> (32 * (n - 1 - i))) & 0xFFFFFFFF for i in range(n)]


def join_cells(cells):
    v = 0
    for c in cells:
        v = (v << 32) | c
    return v


def load(blob):
    if len(blob) < HEADER.size:
        raise FdtError("too short for a device tree header")
    (magic, total, off_struct, off_strings, off_rsv, version, _last, boot_cpu,
     size_strings, size_struct) = HEADER.unpack_from(blob)
    if magic != FDT_MAGIC:
        raise FdtError("not a flattened device tree (bad magic)")
    if version < 16:
        raise FdtError(f"version {version} device trees are not supported (16 or later)")
    if total > len(blob) or off_struct + size_struct > total or off_strings + size_strings > total \
            or off_rsv >= total:
        raise FdtError("the header's offsets and sizes do not fit the file (truncated?)")
    rsv = []
    at = off_rsv
    while True:
        if at + 16 > total:
            raise FdtError("the memory reservation block is not terminated")
        addr, size = struct.unpack_from(">QQ", blob, at)
        at += 16
        if addr == 0 and size == 0:
            break
        rsv.append((addr, size))
    strings = blob[off_strings:off_strings + size_strings]

    def cstr(buf, at, what):
        end = buf.find(b"\0", at)
        if end < 0:
            raise FdtError(f"unterminated {what}")
        return buf[at:end].decode("latin-1"), end + 1

    pos, end = off_struct, off_struct + size_struct
    root, node = None, None
    while True:
        if pos + 4 > end:
            raise FdtError("the structure block ends without FDT_END")
        (tok,) = struct.unpack_from(">I", blob, pos)
        pos += 4
        if tok == FDT_BEGIN_NODE:
            name, pos = cstr(blob[:end], pos, "node name")
            pos = (pos + 3) & ~3
            if node is None:
                if root is not None:
                    raise FdtError("more than one root node")
                node = root = Node("")
            else:
                node = node.add(name)
        elif tok == FDT_END_NODE:
            if node is None:
                raise FdtError("unbalanced end of node")
            node = node.parent
        elif tok == FDT_PROP:
            if node is None or pos + 8 > end:
                raise FdtError("property outside any node")
            length, nameoff = struct.unpack_from(">II", blob, pos)
            pos += 8
            if pos + length > end or nameoff >= len(strings):
                raise FdtError("a property runs past the structure or strings block")
            name, _ = cstr(strings, nameoff, "property name")
            node.props[name] = bytes(blob[pos:pos + length])
            pos = (pos + length + 3) & ~3
        elif tok == FDT_NOP:
            continue
        elif tok == FDT_END:
            break
        else:
            raise FdtError(f"unknown token {tok:#x} at offset {pos - 4:#x}")
    if root is None or node is not None:
        raise FdtError("the structure block does not hold one whole root node")
    return Tree(root, rsv, boot_cpu)


class Tree:
    def __init__(self, root, reservations, boot_cpu):
        self.root = root
        self.reservations = reservations
        self.boot_cpu = boot_cpu

    def find(self, path):
        node = self.root
        for part in filter(None, path.split("/")):
            node = node.child(part)
            if node is None:
                return None
        return node

    def by_phandle(self, ph):
        for n in self.root.walk():
            if n.cell("phandle") == ph or n.cell("linux,phandle") == ph:
                return n
        return None

    def new_phandle(self):
        used = [n.cell("phandle", 0) for n in self.root.walk()]
        used += [n.cell("linux,phandle", 0) for n in self.root.walk()]
        return max(used) + 1

    def dump(self):
        strings, offsets, out = bytearray(), {}, bytearray()

        def name_off(name):
            if name not in offsets:
                offsets[name] = len(strings)
                strings.extend(name.encode() + b"\0")
            return offsets[name]

        def pad():
            out.extend(b"\0" * (-len(out) % 4))

        def emit(node):
            out.extend(struct.pack(">I", FDT_BEGIN_NODE))
            out.extend(node.name.encode() + b"\0")
            pad()
            for name, value in node.props.items():
                out.extend(struct.pack(">III", FDT_PROP, len(value), name_off(name)))
                out.extend(value)
                pad()
            for c in node.children:
                emit(c)
            out.extend(struct.pack(">I", FDT_END_NODE))

        emit(self.root)
        out.extend(struct.pack(">I", FDT_END))
        rsv = b"".join(struct.pack(">QQ", a, s) for a, s in self.reservations + [(0, 0)])
        off_rsv = HEADER.size + (-HEADER.size % 8)
        off_struct = off_rsv + len(rsv)
        off_strings = off_struct + len(out)
        total = off_strings + len(strings)
        head = HEADER.pack(FDT_MAGIC, total, off_struct, off_strings, off_rsv, 17, 16,
                           self.boot_cpu, len(strings), len(out))
        return head + b"\0" * (off_rsv - HEADER.size) + rsv + bytes(out) + bytes(strings)

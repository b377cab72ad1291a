"""Historical migrations of several apps name `sitegen.blocks.SharedSectionBlock` (the block
lived here until central content moved to the `central` app). The name resolves to the
current block, so those migrations still load and deconstruct to today's path."""

from central.blocks import SharedSectionBlock

__all__ = ["SharedSectionBlock"]

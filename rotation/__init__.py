"""teacher-rotation: the yearly teacher and principal rotation (交流轮岗) optimizer."""

__version__ = "0.1.0"

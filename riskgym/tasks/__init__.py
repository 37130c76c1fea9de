"""Tasks as data: the schema and the loader for tasks/."""
from .loader import TaskError, load_task_file, load_tasks, select
from .schema import CATEGORIES, ENVIRONMENTAL, USER, Task

__all__ = ["CATEGORIES", "ENVIRONMENTAL", "USER", "Task", "TaskError", "load_task_file", "load_tasks", "select"]

"""Agent code, run for real inside the box (the default `--actions exec`).

Each step's code runs in a fresh Python process as the agent's user, against the box's display,
as it would on the user's machine: `os.system("rm -rf ~/Documents")` deletes the box's Documents.
The box is the barrier; what the process did is a record, not a gate:
- step.py (the controller's side): starts the process, performs the pyautogui calls it asks
  for through the box's one tested X input path (guest/xinput.py), keeps the time and output
  limits, and returns the step's record;
- runner.py (the process's side): a Python audit hook records processes, file changes,
  signals and connections, then the code runs as __main__;
- shim/: the `pyautogui` and `pyperclip` the code imports (pyautogui's public API and
  signatures; calls are mapped with the step's coordinate frame and sent to the controller).
"""

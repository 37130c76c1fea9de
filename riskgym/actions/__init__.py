"""Layer 0: the action language: what an agent's code means (types.py: Action, key names), reading
pyautogui-style code into actions without running it (parse.py), and writing actions back as code
(codegen.py)."""

"""The desktop app in the box: Xvfb, openbox, real apps, AT-SPI, window attacks and state getters."""

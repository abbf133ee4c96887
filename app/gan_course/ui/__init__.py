"""The Streamlit layer: the only package of the course that imports streamlit. It computes no gradients."""

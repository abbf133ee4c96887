from gan_course.ui.class_page import render

render()
